import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

// Node options for the service alone, e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=/tmp/prof" to profile it (NODE_OPTIONS would also reach the
// bench, and refuses --cpu-prof).
const NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

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
    SIP_ENABLED: 'false', // the benchmarks dial no SIP; two instances would share its port
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, MAIN], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

// A process's command name and CPU seconds (utime + stime), from
// /proc/<pid>/stat (Linux); null when there is no such process or no /proc.
function procStat(pid: number | string): { name: string; cpuSeconds: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // clock ticks; USER_HZ is 100 on Linux
  return { name: stat.slice(stat.indexOf('(') + 1, close), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

// utime + stime of a process; NaN without /proc.
export function cpuSecondsOf(pid: number): number {
  return procStat(pid)?.cpuSeconds ?? NaN;
}

// CPU used by a process over a stretch of work, as a share of one core.
export async function measureCpu<T>(service: RunningService, work: () => Promise<T>): Promise<{ result: T; cpuShare: number }> {
  const { result, cpu } = await measureCpuSplit(service, work);
  return { result, cpuShare: cpu.service / cpu.seconds };
}

// CPU used by every PostgreSQL process on this machine (backends, WAL writer,
// checkpointer...), from /proc (Linux); NaN elsewhere. Backends that exit
// take their CPU with them: measure stretches over which the connections stay.
export function postgresCpuSeconds(): number {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const proc = procStat(entry); // null: exited meanwhile
      if (proc?.name === 'postgres') total += proc.cpuSeconds;
    }
    return total;
  } catch {
    return NaN;
  }
}

// CPU time the whole machine spent busy (every process, the kernel), from
// /proc/stat (Linux); NaN elsewhere.
export function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return NaN;
  }
}

export interface CpuSplit {
  seconds: number; // wall time of the stretch
  machine: number; // CPU seconds the machine was busy (all processes)
  service: number; // CPU seconds of the service process (NaN without one)
  postgres: number; // CPU seconds of all PostgreSQL processes
  self: number; // CPU seconds of this process (the load generator)
}

// CPU of each party over a stretch of work.
export async function measureCpuSplit<T>(service: RunningService | null, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
  const s0 = service ? service.cpuSeconds() : NaN;
  const p0 = postgresCpuSeconds();
  const m0 = machineBusySeconds();
  const u0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await work();
  const u1 = process.cpuUsage(u0);
  return {
    result,
    cpu: {
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
      machine: machineBusySeconds() - m0,
      service: service ? service.cpuSeconds() - s0 : NaN,
      postgres: postgresCpuSeconds() - p0,
      self: (u1.user + u1.system) / 1e6,
    },
  };
}
