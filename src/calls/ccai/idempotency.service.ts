import { Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { Metrics } from '../../metrics/metrics';
import { errorBodyOf, httpStatusOf } from '../../http/error-statuses';
import { callError } from '../call-errors';
import type { IdempotencyClaim } from '../creation/create-call.command';

export interface IdempotentResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

// The lease of a running request on its key: renewed every LEASE_RENEW_MS
// while it runs, so a key whose request died (its instance killed, or its
// release lost with the database) is free LEASE_SECONDS later, and a retry
// takes it over (a call the dead request committed is found by call_id).
// Keys claimed before leases existed: 60 s after the claim.
const LEASE_SECONDS = 2;
const LEASE_RENEW_MS = 500;
const STALE = `coalesce(lease_until, created_at + interval '60 seconds') < now()`;

// Idempotency-Key, as payment APIs do it: the same key and body within 24
// hours answers the first status and body again and does nothing; another
// body is 422; a second request while the first still runs is 409. The call
// insert records its id on the key in the same statement, so even a process
// that dies right after its commit is never followed by a second call.
//
// Each request that owns the key holds a claim (a fresh uuid on the key's
// row, set when it claims or takes over a stale key), and the call insert
// writes only while the claim is still its own (CallsRepository.insertCall's
// fence): a request that outlived its lease and was overtaken by a retry
// writes nothing, so one key never names two calls.
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly db: Database,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async run(
    companyId: string,
    key: string,
    request: unknown,
    work: (claim: IdempotencyClaim) => Promise<{ status: number; body: unknown }>,
    renderCall: (callId: string) => Promise<unknown>,
  ): Promise<IdempotentResult> {
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw callError('idempotencyKeyInvalid');
    const hash = createHash('sha256').update(canonicalJson(request)).digest('hex');

    let claimed = await this.claim(companyId, key, hash);
    if (!claimed) {
      const existing = await this.find(companyId, key);
      if (!existing) return this.run(companyId, key, request, work, renderCall); // expired and removed meanwhile
      if (existing.request_hash !== hash) throw callError('idempotencyKeyReused');
      if (existing.response !== null && existing.status !== null) return { status: existing.status, body: existing.response, replayed: true };
      if (existing.call_id !== null) {
        const body = await renderCall(existing.call_id);
        await this.complete(companyId, key, 201, body);
        return { status: 201, body, replayed: true };
      }
      claimed = existing.stale ? await this.takeOver(companyId, key) : null;
      if (!claimed) {
        this.metrics?.idempotencyConflict();
        throw callError('idempotencyKeyInProgress');
      }
    }

    const claim = claimed;
    const renewal = setInterval(() => void this.renew(companyId, key, claim), LEASE_RENEW_MS);
    renewal.unref();
    try {
      const result = await work({ key, claim: claimed });
      await this.complete(companyId, key, result.status, result.body, claimed);
      return { ...result, replayed: false };
    } catch (error) {
      const status = error instanceof DomainError ? httpStatusOf(error) : undefined;
      if (status !== undefined && status < 500) {
        await this.complete(companyId, key, status, errorBodyOf(error as DomainError, status), claimed);
      } else {
        // Nothing was done (no call recorded on the key): let a retry run
        // (only this request's claim: a retry that took over keeps its own).
        await this.db.query(`DELETE FROM idempotency_keys WHERE company_id = $1 AND key = $2 AND call_id IS NULL AND claim = $3`, [companyId, key, claimed]).catch(() => undefined);
      }
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  private async renew(companyId: string, key: string, claim: string): Promise<void> {
    await this.db
      .query(`UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $4) WHERE company_id = $1 AND key = $2 AND claim = $3 AND status IS NULL`, [companyId, key, claim, LEASE_SECONDS])
      .catch(() => undefined); // the database is away: the lease runs out, as it should
  }

  // Inserts the key, or replaces one older than 24 hours; this request's
  // claim when it now owns the key, else null.
  private async claim(companyId: string, key: string, hash: string): Promise<string | null> {
    const rows = await this.db.query<{ claim: string }>(
      `INSERT INTO idempotency_keys (company_id, key, request_hash, claim, lease_until) VALUES ($1, $2, $3, gen_random_uuid(), now() + make_interval(secs => $4))
       ON CONFLICT (company_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL, call_id = NULL, created_at = now(), claim = EXCLUDED.claim, lease_until = EXCLUDED.lease_until
         WHERE idempotency_keys.created_at < now() - interval '24 hours'
       RETURNING claim`,
      [companyId, key, hash, LEASE_SECONDS],
    );
    return rows[0]?.claim ?? null;
  }

  private async find(companyId: string, key: string) {
    const rows = await this.db.query<{ request_hash: string; status: number | null; response: unknown; call_id: string | null; stale: boolean }>(
      `SELECT request_hash, status, response, call_id, ${STALE} AS stale
         FROM idempotency_keys WHERE company_id = $1 AND key = $2`,
      [companyId, key],
    );
    return rows[0] ?? null;
  }

  // A new claim on a key whose request has run past its lease (its own
  // claim is void from now on); null when another request got there first.
  private async takeOver(companyId: string, key: string): Promise<string | null> {
    const rows = await this.db.query<{ claim: string }>(
      `UPDATE idempotency_keys SET claim = gen_random_uuid(), lease_until = now() + make_interval(secs => $3)
        WHERE company_id = $1 AND key = $2 AND status IS NULL AND call_id IS NULL AND ${STALE}
        RETURNING claim`,
      [companyId, key, LEASE_SECONDS],
    );
    return rows[0]?.claim ?? null;
  }

  // The answer to replay, recorded only by the request that holds the claim
  // (a request overtaken by a retry records nothing), or, with no claim, by
  // the request that found the call a dead request had committed.
  private async complete(companyId: string, key: string, status: number, body: unknown, claim: string | null = null): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET status = $3, response = $4::json WHERE company_id = $1 AND key = $2 AND ($5::uuid IS NULL OR claim = $5::uuid)`, [
      companyId,
      key,
      status,
      JSON.stringify(body),
      claim,
    ]);
  }
}

// The same JSON with keys in any order hashes the same. Iterative, with its
// own stack: a body nested thousands deep (which JSON.parse accepts) must not
// overflow the call stack.
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const todo: Array<{ value: unknown } | string> = [{ value }];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const v = next.value;
    const parts: Array<{ value: unknown } | string> = [];
    if (Array.isArray(v)) {
      parts.push('[');
      v.forEach((item, i) => parts.push(...(i > 0 ? [','] : []), { value: item }));
      parts.push(']');
    } else if (v && typeof v === 'object') {
      parts.push('{');
      Object.keys(v)
        .sort()
        .forEach((k, i) => parts.push(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`, { value: (v as Record<string, unknown>)[k] }));
      parts.push('}');
    } else {
      parts.push(JSON.stringify(v) ?? 'null');
    }
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
  }
  return out.join('');
}
