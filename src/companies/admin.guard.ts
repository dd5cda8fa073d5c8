import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { authError } from './auth-errors';

// The operator's bearer token. Without SWITCHBOARD_ADMIN_TOKEN the /admin
// API does not exist (404), so an unconfigured server offers nothing to guess.
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.SWITCHBOARD_ADMIN_TOKEN;
    if (!expected) throw authError('adminApiDisabled');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !sameSecret(match[1], expected)) throw authError('unauthorized');
    return true;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
