import { join } from 'node:path';
import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { migrateDatabase } from '../../src/database/migrate-database';
import { adminQuery, EMBEDDED_TEST_PORT, withDatabase } from './test-database';

// Starts the embedded PostgreSQL when DATABASE_URL is unset, then builds the
// migrated template database that every test file clones.
export default async function globalSetup(): Promise<void> {
  let server = process.env.DATABASE_URL;
  if (!server) {
    const embedded = new EmbeddedDatabase({ dataDir: join(__dirname, '..', '..', '.data', 'test-postgres'), port: EMBEDDED_TEST_PORT, database: 'postgres' });
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
