import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The service as a newcomer runs it: `src/main.ts` with DATABASE_URL unset,
// on an embedded PostgreSQL of its own, stopped with the service.
const ROOT = join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// PIDs of postgres processes serving a data directory.
function postgresProcesses(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('postgres') && cmd.includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function startService(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, LOG_LEVEL: 'log' };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the service on its embedded PostgreSQL', () => {
  const dataRoot = join(ROOT, '.data', `test-service-${process.pid}`);
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('starts, creates the demo company whose credentials work, and leaves no postgres process after SIGTERM', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const service = startService({ PORT: String(port), SWITCHBOARD_DATA_DIR: dataRoot, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 60_000);
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
    const service = startService({ PORT: String(port), SWITCHBOARD_DATA_DIR: dataRoot, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
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
    const service = startService({ PORT: 'eighty', SWITCHBOARD_DATA_DIR: dataRoot });
    expect(await service.exited).toBe(78);
    expect(service.output()).toContain('PORT must be a whole number from 0 to 65535');
    expect(postgresProcesses(dataRoot)).toEqual([]);
  }, 60_000);
});
