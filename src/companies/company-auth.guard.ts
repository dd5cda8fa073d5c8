import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authError } from './auth-errors';
import { CompaniesService } from './companies.service';

export interface AuthenticatedCompany {
  id: string;
  key: string;
}

type RequestWithCompany = FastifyRequest & { company?: AuthenticatedCompany };

// HTTP Basic auth as CCAI's: user = company key, password = one of its live
// API tokens. Checked against the database on every request, so a revoked
// token stops at once on every instance.
@Injectable()
export class CompanyAuthGuard implements CanActivate {
  constructor(private readonly companies: CompaniesService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCompany>();
    const credentials = parseBasic(request.headers.authorization);
    if (!credentials) throw authError('unauthorized');
    const company = await this.companies.authenticate(credentials.user, credentials.password);
    if (!company) throw authError('unauthorized');
    request.company = company;
    return true;
  }
}

// The company the request authenticated as; every query is scoped to it.
export const CurrentCompany = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedCompany => {
  const company = context.switchToHttp().getRequest<RequestWithCompany>().company;
  if (!company) throw authError('unauthorized');
  return company;
});

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
