import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestError } from './request-errors';

export interface Page {
  page: number;
  per: number;
  offset: number;
}

// Manager-API paging: `page` from 1, `per` from 1 to 100 (default 100).
export function parsePage(query: Record<string, unknown>): Page {
  const page = parsePositiveInt(query.page, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
  const per = parsePositiveInt(query.per, 'per', 1, 100, 100);
  return { page, per, offset: (page - 1) * per };
}

function parsePositiveInt(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const text = String(value);
  if (!/^\d{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw max === Number.MAX_SAFE_INTEGER ? requestError('wholeNumberFrom', name, min) : requestError('wholeNumberBetween', name, min, max);
  }
  return Number(text);
}

// The headers CCAI's Manager API sends with a list: `total`, `per-page` and
// an RFC 8288 Link header (next while more pages remain; prev, first, last).
export function setPagingHeaders(request: FastifyRequest, reply: FastifyReply, page: Page, total: number): void {
  const lastPage = Math.max(1, Math.ceil(total / page.per));
  // PUBLIC_URL when configured; else the request's scheme and host (the
  // forwarded ones only from TRUSTED_PROXIES).
  const origin = request.server.publicUrl ?? `${request.protocol}://${request.host}`;
  const base = new URL(request.url, 'http://localhost');
  const link = (n: number, rel: string) => {
    base.searchParams.set('page', String(n));
    base.searchParams.set('per', String(page.per));
    return `<${origin}${base.pathname}${base.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, lastPage), 'prev'));
  if (page.page < lastPage) links.push(link(page.page + 1, 'next'));
  links.push(link(lastPage, 'last'));
  void reply.header('total', String(total)).header('per-page', String(page.per)).header('link', links.join(', '));
}

declare module 'fastify' {
  interface FastifyInstance {
    // The configured PUBLIC_URL, without a trailing slash (app.ts).
    publicUrl?: string;
  }
}
