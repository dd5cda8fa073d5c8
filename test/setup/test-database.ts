import { Client } from 'pg';

// Where the e2e tests find PostgreSQL: DATABASE_URL when set (CI's server),
// else the embedded one that global-setup started. Every test file gets its
// own database cloned from a migrated template, so files run in parallel.

export function serverUrl(): string {
  const url = process.env.SWITCHBOARD_TEST_SERVER_URL;
  if (!url) throw new Error('The e2e global setup did not run (SWITCHBOARD_TEST_SERVER_URL is unset)');
  return url;
}

export function templateName(): string {
  return process.env.SWITCHBOARD_TEST_TEMPLATE ?? 'switchboard_template';
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// A fresh database cloned from the migrated template.
export async function createDatabaseFromTemplate(name: string): Promise<string> {
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`);
  return withDatabase(serverUrl(), name);
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
