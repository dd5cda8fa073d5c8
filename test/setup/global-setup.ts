import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedDatabase, isAlive } from '../../src/database/embedded-database';
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
    const embedded = new EmbeddedDatabase({ dataDir: join(EMBEDDED_ROOT, `test-postgres-${process.pid}`), port: await freePort(), database: 'postgres', persistent: false });
    server = await embedded.start();
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

// Servers of earlier runs that were killed before their teardown.
async function removeStaleEmbeddedServers(): Promise<void> {
  if (!existsSync(EMBEDDED_ROOT)) return;
  for (const entry of readdirSync(EMBEDDED_ROOT)) {
    const pid = Number(/^test-postgres-(\d+)$/.exec(entry)?.[1]);
    if (!pid || isAlive(pid)) continue;
    const dir = join(EMBEDDED_ROOT, entry);
    const pidFile = join(dir, 'postmaster.pid');
    const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (postmaster && isAlive(postmaster)) process.kill(postmaster, 'SIGQUIT');
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
