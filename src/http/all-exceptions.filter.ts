import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error';
import { CommitOutcomeUnknownError } from '../database/transaction';
import { errorBodyOf, httpStatusOf } from './error-statuses';

// The one exception filter: the engine's coded errors become the status the
// CCAI table names (error-statuses.ts) and {message, error, status}: `error`
// is the stable code clients classify failures by (the domain error's code,
// or one of HTTP_ERROR_CODES for what never reached the engine); anything
// else is logged with the request id and answered as a bare 500 that leaks
// nothing.
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.toResponse(error, request);
    body.status = status;
    if (status >= 500) {
      // A 503 (database down) is logged too: an outage should be visible.
      this.logger.error({ message: 'unhandled error', requestId: request.id, method: request.method, url: request.url, error: describe(error) });
    }
    // The database is back within seconds when it restarts: a client may
    // retry soon (with the same Idempotency-Key, a create is safe to retry).
    if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(status).send(body);
  }

  private toResponse(error: unknown, request: FastifyRequest): { status: number; body: Record<string, unknown> } {
    if (error instanceof DomainError) {
      const status = httpStatusOf(error);
      if (status !== undefined) return { status, body: errorBodyOf(error, status) };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status < 500) return { status, body: { message: messageOf(error.getResponse()), error: httpErrorCode(status) } };
    }
    // Fastify's own client errors (bad JSON, body too large, bad content type).
    const fastifyStatus = (error as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: fastifyStatus, body: { message: (error as Error).message, error: httpErrorCode(fastifyStatus) } };
    }
    if (error instanceof CommitOutcomeUnknownError) return { status: 503, body: { message: COMMIT_OUTCOME_UNKNOWN, error: 'commit_outcome_unknown', request_id: request.id } };
    if (isDatabaseUnavailable(error)) return { status: 503, body: { message: 'Database unavailable', error: 'database_unavailable', request_id: request.id } };
    return { status: 500, body: { message: 'Internal server error', error: 'internal_error', request_id: request.id } };
  }
}

const RETRY_AFTER_SECONDS = 1;

export const COMMIT_OUTCOME_UNKNOWN =
  'The connection to the database was lost while committing: the change may or may not have been made. A retry with the same Idempotency-Key is safe; without one, read before retrying';

// The database is down or restarting (refused, timed out, shut down):
// a 503 the client may retry, not a bug.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
function isDatabaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError, (error as { cause?: unknown })?.cause];
  return candidates.some((e) => {
    const code = (e as { code?: string })?.code;
    const message = (e as { message?: string })?.message ?? '';
    return (code !== undefined && UNAVAILABLE_CODES.has(code)) || /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/.test(message);
  });
}

// Codes for errors raised before the engine: the request's own form (the
// validation pipe, Fastify's body parser, an unknown route).
export const HTTP_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
};

export function httpErrorCode(status: number): string {
  return HTTP_ERROR_CODES[status] ?? `http_${status}`;
}

function messageOf(response: string | object): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return String(message[0]);
  if (typeof message === 'string') return message;
  return 'Bad Request';
}


function describe(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error;
}
