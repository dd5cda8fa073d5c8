import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { sql } from '../database/sql';
import type { AuthenticatedCompany } from './company-auth.guard';

export const COMPANY_KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const CompanyMessages = {
  keyInvalid: 'key must be a subdomain label: 1 to 63 of a-z, 0-9 and -, not starting or ending with -',
  nameInvalid: 'name must be a string of 1 to 200 characters',
  keyTaken: (key: string) => `Company key '${key}' is already in use`,
  companyNotFound: (key: string) => `Company '${key}' is not found`,
  tokenNotFound: (id: string) => `Token ${id} is not found`,
} as const;

// Tokens carry 256 random bits, so a fast hash is enough to store them:
// nobody can brute-force the preimage, and checking costs microseconds.
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return `sbt_${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class CompaniesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async authenticate(key: string, token: string): Promise<AuthenticatedCompany | null> {
    if (!COMPANY_KEY_PATTERN.test(key) || token.length === 0 || token.length > 200) return null;
    const rows = await sql<{ id: string; key: string }>(
      this.db,
      `SELECT c.id, c.key FROM api_tokens t JOIN companies c ON c.id = t.company_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND c.key = $2`,
      [hashToken(token), key],
    );
    return rows[0] ?? null;
  }

  async createCompany(key: string, name: string): Promise<{ key: string; name: string; token: string }> {
    const token = newToken();
    return this.db.transaction(async (tx) => {
      const created: Array<{ id: string }> = await tx.query(
        `INSERT INTO companies (key, name) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING id`,
        [key, name],
      );
      if (created.length === 0) throw ApiError.conflict(CompanyMessages.keyTaken(key));
      await tx.query(`INSERT INTO api_tokens (company_id, token_hash) VALUES ($1, $2)`, [created[0].id, hashToken(token)]);
      return { key, name, token };
    });
  }

  async createToken(key: string): Promise<{ id: number; token: string }> {
    const token = newToken();
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO api_tokens (company_id, token_hash) SELECT id, $2 FROM companies WHERE key = $1 RETURNING id`,
      [key, hashToken(token)],
    );
    if (rows.length === 0) throw ApiError.notFound(CompanyMessages.companyNotFound(key));
    return { id: Number(rows[0].id), token };
  }

  async revokeToken(key: string, tokenId: string): Promise<void> {
    if (!/^\d{1,18}$/.test(tokenId)) throw ApiError.notFound(CompanyMessages.tokenNotFound(tokenId));
    const company: Array<{ id: string }> = await this.db.query(`SELECT id FROM companies WHERE key = $1`, [key]);
    if (company.length === 0) throw ApiError.notFound(CompanyMessages.companyNotFound(key));
    const [, affected] = await this.db.query(
      `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND company_id = $2 AND revoked_at IS NULL`,
      [tokenId, company[0].id],
    );
    if (!affected) throw ApiError.notFound(CompanyMessages.tokenNotFound(tokenId));
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM companies`);
    return count;
  }
}
