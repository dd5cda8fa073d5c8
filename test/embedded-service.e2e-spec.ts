import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { postgresProcesses, reachableTempDir } from './support/embedded-postgres';
import { freePort, spawnService, waitUntil } from './support/spawned-service';

// The service as a newcomer runs it: `src/main.ts` with DATABASE_URL unset,
// on an embedded PostgreSQL of its own, stopped with the service.

async function startService(env: Record<string, string>) {
  return spawnService({ ...env, DATABASE_URL: undefined, LOG_LEVEL: 'log' }, Number(env.PORT) || undefined);
}

describe('the service on its embedded PostgreSQL', () => {
  // Outside the checkout, which as root may be closed to the user postgres.
  const dataRoot = reachableTempDir('sb-service-');
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('starts, creates the demo company whose credentials work, and leaves no postgres process after SIGTERM', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const service = await startService({ PORT: String(port), SWITCHBOARD_DATA_DIR: dataRoot, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
    try {
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 60_000);
      const token = /API token:\s+(\S+)/.exec(service.output())?.[1];
      expect(token).toBeDefined();
      const auth = `Basic ${Buffer.from(`demo:${token}`).toString('base64')}`;
      const agents = await fetch(`http://127.0.0.1:${port}/manager/api/v1/agents`, { headers: { authorization: auth } });
      expect(agents.status).toBe(200);
      expect(((await agents.json()) as unknown[]).length).toBeGreaterThan(0);
      expect(postgresProcesses(dataRoot).length).toBeGreaterThan(0);
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
    expect(postgresProcesses(dataRoot)).toEqual([]);
    expect(existsSync(join(dataRoot, 'postgres', 'PG_VERSION'))).toBe(true); // kept for the next run
  }, 120_000);

  it('stops its postgres when start-up fails, and exits non-zero', async () => {
    const pgPort = await freePort();
    // The HTTP port is taken: listening fails after the database started.
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    const service = await startService({ PORT: String(port), SWITCHBOARD_DATA_DIR: dataRoot, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
    try {
      expect(await service.exited).toBe(1);
      expect(service.output()).toContain('start-up failed');
      expect(postgresProcesses(dataRoot)).toEqual([]);
      // The second run found the demo company already there: no new credentials.
      expect(service.output()).not.toContain('API token:');
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('refuses a bad configuration with a message naming the variable', async () => {
    const service = await startService({ PORT: 'eighty', SWITCHBOARD_DATA_DIR: dataRoot });
    expect(await service.exited).toBe(78);
    expect(service.output()).toContain('PORT must be a whole number from 0 to 65535');
    expect(postgresProcesses(dataRoot)).toEqual([]);
  }, 60_000);
});
