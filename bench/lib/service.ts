import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { log, onCleanup, onExitKill } from './cleanup';
import { benchUrl } from './database';

// The built service (`npm run build` → dist/src/main.js) as a child process,
// the way it runs in production: its own Node process, its own pool.
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export interface RunningService {
  pid: number;
  port: number;
  url: string; // http://127.0.0.1:<port>
  output: () => string; // what it wrote (the tail), for error messages
  cpuSeconds: () => number; // user + system CPU time used so far
  stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// The pool size the benchmarks give each instance (the service's default).
export const POOL_SIZE = process.env.BENCH_DB_POOL_SIZE || '20';

// Starts one instance on a free port against the bench database and waits
// until /health answers. `env` adds to or overrides the defaults below.
export async function startService(env: Record<string, string> = {}): Promise<RunningService> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: benchUrl(),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'error',
    DB_POOL_SIZE: POOL_SIZE,
    SCHEDULER_ENABLED: 'false',
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => (alive = false));

  const forgetKill = onExitKill(() => alive && child.kill('SIGKILL'));
  const stop = async () => {
    if (alive) {
      child.kill('SIGTERM'); // the service drains and closes its pool
      const timer = setTimeout(() => alive && child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
    }
    forgetKill();
    forgetCleanup();
  };
  const forgetCleanup = onCleanup(`stop the service on port ${port}`, stop);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!alive) throw new Error(`the service exited during start-up:\n${output}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not answer /health within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  log(`service up on port ${port} (pid ${pid}${env.SCHEDULER_ENABLED === 'true' ? ', scheduler on' : ''})`);
  return { pid, port, url, output: () => output, cpuSeconds: () => cpuSecondsOf(pid), stop };
}

// utime + stime of a process, from /proc (Linux); NaN elsewhere.
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

// CPU used by a process over a stretch of work, as a share of one core.
export async function measureCpu<T>(service: RunningService, work: () => Promise<T>): Promise<{ result: T; cpuShare: number }> {
  const cpu0 = service.cpuSeconds();
  const t0 = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { result, cpuShare: (service.cpuSeconds() - cpu0) / seconds };
}
