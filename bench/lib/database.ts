import { Client, Pool } from 'pg';
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../src/companies/companies.service';
import { migrateDatabase } from '../../src/database/migrate-database';
import { log, onCleanup } from './cleanup';

// The benchmarks' own database, created fresh and dropped at the end, on the
// server DATABASE_URL points at (any database of it; by default `postgres`).
export const BENCH_DATABASE = 'switchboard_bench';

export function serverUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

// The same URL with the bench database's name (a regular expression, not
// URL parsing: libpq URLs such as postgres://user@/db?host=/socket/dir are
// not WHATWG URLs).
export function benchUrl(): string {
  return serverUrl().replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${BENCH_DATABASE}`);
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl(), application_name: 'switchboard-bench-admin' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Drops any leftover bench database, creates it, migrates it with the
// service's own migrations, and answers a small pool on it. The database is
// dropped at clean-up (BENCH_KEEP_DATABASE=1 keeps it, to look around).
export async function createBenchDatabase(): Promise<Pool> {
  // WITH (FORCE) ends sessions on the bench database only (a killed earlier run's).
  await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  const pool = new Pool({ connectionString: benchUrl(), max: 4, application_name: 'switchboard-bench' });
  onCleanup('drop the bench database', async () => {
    await pool.end();
    if (process.env.BENCH_KEEP_DATABASE === '1') return log(`kept database ${BENCH_DATABASE}`);
    await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  });
  const applied = await migrateDatabase(benchUrl());
  // Ids of agents and calls in ranges of their own, far from the small ids of
  // companies and menus, so that a traced parameter value tells which id it
  // is (see sql-trace.ts). Nothing else depends on the numbers.
  await pool.query(`ALTER SEQUENCE agents_id_seq RESTART WITH 100000`);
  await pool.query(`ALTER SEQUENCE calls_id_seq RESTART WITH 10000000`);
  log(`created database ${BENCH_DATABASE} (${applied.length} migrations)`);
  return pool;
}

export interface Company {
  id: string;
  key: string;
  token: string;
  authorization: string; // the HTTP Basic header value
}

// A company and one API token, as CompaniesService.createCompany makes them.
export async function seedCompany(db: Pool, key = 'bench'): Promise<Company> {
  const token = `sbt_${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query(`INSERT INTO companies (key, name) VALUES ($1, 'Bench') RETURNING id`, [key]);
  const id = String(rows[0].id);
  await db.query(`INSERT INTO api_tokens (company_id, token_hash) VALUES ($1, $2)`, [id, hashToken(token)]);
  return { id, key, token, authorization: `Basic ${Buffer.from(`${key}:${token}`).toString('base64')}` };
}

export async function seedMenu(db: Pool, companyId: string, menuType: 'ivr_menu' | 'mobile_menu' | 'web_menu'): Promise<string> {
  const { rows } = await db.query(`INSERT INTO menus (company_id, name, menu_type, state, languages) VALUES ($1, $2, $2, 'open', '{en}') RETURNING id`, [companyId, menuType]);
  return String(rows[0].id);
}

// The company's one (default) number to call from.
export async function seedOutboundNumber(db: Pool, companyId: string): Promise<void> {
  await db.query(`INSERT INTO outbound_numbers (company_id, number, e164, is_default) VALUES ($1, '+1 339-219-5276', '+13392195276', true)`, [companyId]);
}

// The e-mail of bench agent number i (agents seeded by seedAgents).
export const agentEmail = (i: number) => `agent-${i}@bench.test`;

// Available agents numbered from..to (inclusive), allowed to call, with
// last_name the number. The e-mail is `agentEmail(i)`, or the SQL
// expression `emailSql` of i.
export async function seedAgents(db: Pool, companyId: string, from: number, to: number, emailSql = `'agent-' || i || '@bench.test'`): Promise<void> {
  await db.query(
    `INSERT INTO agents (company_id, email, first_name, last_name, can_make_calls, status)
     SELECT $1, ${emailSql}, 'Agent', i::text, true, 'available' FROM generate_series($2::int, $3::int) AS i`,
    [companyId, from, to],
  );
}
