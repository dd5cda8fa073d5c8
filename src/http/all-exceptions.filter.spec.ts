import type { ArgumentsHost } from '@nestjs/common';
import { CommitOutcomeUnknownError } from '../database/transaction';
import { AllExceptionsFilter, COMMIT_OUTCOME_UNKNOWN } from './all-exceptions.filter';

// What the one filter answers for the database's failures: 503 with
// Retry-After, and a message that says whether a change may have been made.
function answer(error: unknown) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    header: (name: string, value: string) => ((sent.headers[name] = value), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', method: 'POST', url: '/apps/api/v1/calls' }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  const filter = new AllExceptionsFilter();
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.catch(error, host);
  return sent;
}

describe('the exception filter and the database', () => {
  it('answers a lost COMMIT 503 commit_outcome_unknown, says a retry with the same key is safe, and asks to retry after a second', () => {
    const sent = answer(new CommitOutcomeUnknownError(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' })));
    expect(sent).toEqual({ status: 503, headers: { 'retry-after': '1' }, body: { message: COMMIT_OUTCOME_UNKNOWN, error: 'commit_outcome_unknown', status: 503, request_id: 'req-1' } });
  });

  it('answers a database that is down 503 database_unavailable with Retry-After', () => {
    const sent = answer(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(sent).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, body: { error: 'database_unavailable', status: 503 } });
  });

  it('answers anything else 500 without Retry-After', () => {
    const sent = answer(new TypeError('boom'));
    expect(sent).toMatchObject({ status: 500, headers: {}, body: { error: 'internal_error', message: 'Internal server error' } });
  });
});
