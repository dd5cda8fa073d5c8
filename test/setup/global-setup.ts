import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedDatabase, isAlive } from '../../src/database/embedded-database';
import { EmbeddedDatabaseError } from '../../src/database/embedded-database-error';
import { postgresProcessesIn } from '../../src/database/embedded-processes';
import { RELOCATION_ROOT, relocatedDataDir } from '../../src/database/embedded-runtime';
import { migrateDatabase } from '../../src/database/migrate-database';
import { freePort } from '../support/spawned-service';
import { adminQuery, withDatabase } from './test-database';

// Starts the embedded PostgreSQL when DATABASE_URL is unset, then builds the
// migrated template database that every test file clones.
export default async function globalSetup(): Promise<void> {
  let server = process.env.DATABASE_URL;
  if (!server) {
    // A server of this run's own (its own files and port), so that test runs
    // side by side never stop each other's database.
    await removeStaleEmbeddedServers();
    // relocatable: as root, when the user postgres cannot reach this
    // checkout, the cluster lives under /var/lib/switchboard instead.
    const embedded = new EmbeddedDatabase({ dataDir: testDataDir(process.pid), relocatable: true, port: await freePort(), database: 'postgres', persistent: false });
    try {
      server = await embedded.start();
    } catch (error) {
      throw error instanceof EmbeddedDatabaseError ? oneLine(`e2e global setup: ${error.message}`) : error;
    }
    (globalThis as { __SWITCHBOARD_EMBEDDED__?: EmbeddedDatabase }).__SWITCHBOARD_EMBEDDED__ = embedded;
  }
  process.env.SWITCHBOARD_TEST_SERVER_URL = server;
  // One template per run, so two runs against one server do not collide.
  const template = `sb_template_${process.pid}`;
  process.env.SWITCHBOARD_TEST_TEMPLATE = template;
  process.env.SWITCHBOARD_TEST_RUN_ID = String(process.pid);
  await dropLeftovers();
  await adminQuery(`CREATE DATABASE "${template}"`);
  await migrateDatabase(withDatabase(server, template));
}

const EMBEDDED_ROOT = join(__dirname, '..', '..', '.data');
const testDataDir = (pid: number) => join(EMBEDDED_ROOT, `test-postgres-${pid}`);

// Jest prints an error's stack; this one's is its message alone.
function oneLine(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

// Servers of earlier runs of this checkout that were killed before their
// teardown: in .data, or where they were moved to as root.
async function removeStaleEmbeddedServers(): Promise<void> {
  const candidates: { pid: number; dir: string }[] = [];
  for (const entry of existsSync(EMBEDDED_ROOT) ? readdirSync(EMBEDDED_ROOT) : []) {
    const pid = Number(/^test-postgres-(\d+)$/.exec(entry)?.[1]);
    if (pid) candidates.push({ pid, dir: join(EMBEDDED_ROOT, entry) });
  }
  const moved = join(RELOCATION_ROOT, 'clusters');
  for (const entry of existsSync(moved) ? readdirSync(moved) : []) {
    const pid = Number(/^test-postgres-(\d+)-/.exec(entry)?.[1]);
    if (pid && relocatedDataDir(testDataDir(pid)) === join(moved, entry)) candidates.push({ pid, dir: join(moved, entry) });
  }
  for (const { pid, dir } of candidates) {
    if (isAlive(pid)) continue;
    // Only postgres processes of that directory: the pid in its
    // postmaster.pid may belong to another process by now.
    for (const postgres of postgresProcessesIn(dir) ?? []) process.kill(postgres, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}

// Databases of earlier runs that were killed before their teardown.
async function dropLeftovers(): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: process.env.SWITCHBOARD_TEST_SERVER_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^sb_(template|t)_' AND datname !~ $1`,
      [`_${process.pid}(_|$)`],
    );
    for (const { datname } of rows) {
      const pid = Number(/^sb_(?:template|t)_(\d+)/.exec(datname)?.[1]);
      if (pid && isAlive(pid)) continue; // another run, still going
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
