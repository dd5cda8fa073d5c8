import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error';
import { httpStatusOf } from './error-statuses';

// The one exception filter: the engine's coded errors become the status the
// CCAI table names (error-statuses.ts) and {message}; anything else is
// logged with the request id and answered as a bare 500 that leaks nothing.
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.toResponse(error, request);
    if (status >= 500) {
      // A 503 (database down) is logged too: an outage should be visible.
      this.logger.error({ message: 'unhandled error', requestId: request.id, method: request.method, url: request.url, error: describe(error) });
    }
    void reply.status(status).send(body);
  }

  private toResponse(error: unknown, request: FastifyRequest): { status: number; body: Record<string, unknown> } {
    if (error instanceof DomainError) {
      const status = httpStatusOf(error);
      if (status !== undefined) return { status, body: { message: error.message } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status < 500) return { status, body: { message: messageOf(error.getResponse()) } };
    }
    // Fastify's own client errors (bad JSON, body too large, bad content type).
    const fastifyStatus = (error as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: fastifyStatus, body: { message: (error as Error).message } };
    }
    if (isDatabaseUnavailable(error)) return { status: 503, body: { message: 'Database unavailable', request_id: request.id } };
    return { status: 500, body: { message: 'Internal server error', request_id: request.id } };
  }
}

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
