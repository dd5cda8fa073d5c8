import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Batches, Settled } from '../common/batches';
import { Database } from '../database/database';
import type { AuthenticatedCompany } from './company-auth.guard';
import { companyError } from './company-errors';

export const COMPANY_KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// Tokens carry 256 random bits, so a fast hash is enough to store them:
// nobody can brute-force the preimage, and checking costs microseconds.
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return `sbt_${randomBytes(32).toString('base64url')}`;
}

interface Credentials {
  key: string;
  tokenHash: string;
}

// A company key has no ':' (COMPANY_KEY_PATTERN), a hash is hex.
const credentialKey = (c: Credentials) => `${c.key}:${c.tokenHash}`;

// Auth lookups in flight at once (per instance). While they are, the
// requests that arrive queue, and the next lookup checks all of them (up to
// AUTH_BATCH) in one statement. A request is always checked by a lookup sent
// after it arrived, so it sees every revocation committed before it came:
// the same answer as a lookup of its own, for one round trip per batch
// rather than per request.
const AUTH_LOOKUPS_AT_ONCE = 2;
const AUTH_BATCH = 200;

@Injectable()
export class CompaniesService {
  private readonly lookups = new Batches<Credentials, AuthenticatedCompany | null>({
    concurrency: AUTH_LOOKUPS_AT_ONCE,
    maxBatch: AUTH_BATCH,
    run: (credentials) => this.lookUp(credentials),
  });

  constructor(private readonly db: Database) {}

  // The company whose live API token this is, or null. Checked against the
  // database on every request (a revoked token stops at once, on every
  // instance), but requests share the lookups: see `lookups`.
  async authenticate(key: string, token: string): Promise<AuthenticatedCompany | null> {
    if (!COMPANY_KEY_PATTERN.test(key) || token.length === 0 || token.length > 200) return null;
    return this.lookups.submit({ key, tokenHash: hashToken(token) });
  }

  // Every credential of a batch in one statement, each distinct one once.
  private async lookUp(credentials: Credentials[]): Promise<Array<Settled<AuthenticatedCompany | null>>> {
    const distinct = [...new Map(credentials.map((c) => [credentialKey(c), c])).values()];
    const rows = await this.db.query<{ id: string; key: string; token_hash: string }>(
      `SELECT c.id, c.key, t.token_hash
         FROM unnest($1::text[], $2::text[]) AS q (token_hash, key)
         JOIN companies c ON c.key = q.key
         JOIN api_tokens t ON t.company_id = c.id AND t.token_hash = q.token_hash AND t.revoked_at IS NULL`,
      [distinct.map((c) => c.tokenHash), distinct.map((c) => c.key)],
    );
    const found = new Map(rows.map((row) => [credentialKey({ key: row.key, tokenHash: row.token_hash }), { id: row.id, key: row.key }]));
    return credentials.map((c) => ({ ok: true, value: found.get(credentialKey(c)) ?? null }));
  }

  async createCompany(key: string, name: string): Promise<{ key: string; name: string; token: string }> {
    const token = newToken();
    return this.db.transaction(async (tx) => {
      const created = await tx.query<{ id: string }>(
        `INSERT INTO companies (key, name) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING id`,
        [key, name],
      );
      if (created.length === 0) throw companyError('keyTaken', key);
      await tx.query(`INSERT INTO api_tokens (company_id, token_hash) VALUES ($1, $2)`, [created[0].id, hashToken(token)]);
      return { key, name, token };
    });
  }

  async createToken(key: string): Promise<{ id: number; token: string }> {
    const token = newToken();
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO api_tokens (company_id, token_hash) SELECT id, $2 FROM companies WHERE key = $1 RETURNING id`,
      [key, hashToken(token)],
    );
    if (rows.length === 0) throw companyError('companyNotFound', key);
    return { id: Number(rows[0].id), token };
  }

  async revokeToken(key: string, tokenId: string): Promise<void> {
    if (!/^\d{1,18}$/.test(tokenId)) throw companyError('tokenNotFound', tokenId);
    const company = await this.db.query<{ id: string }>(`SELECT id FROM companies WHERE key = $1`, [key]);
    if (company.length === 0) throw companyError('companyNotFound', key);
    const revoked = await this.db.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND company_id = $2 AND revoked_at IS NULL RETURNING id`, [
      tokenId,
      company[0].id,
    ]);
    if (revoked.length === 0) throw companyError('tokenNotFound', tokenId);
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM companies`);
    return count;
  }
}
