import { ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { log, onCleanup, onExitKill } from './cleanup';
import { freePort } from './service';

// A webhook receiver in a process of its own (so that its CPU is neither
// the service's nor the load generator's): answers every POST 200 at once,
// and keeps, per receipt, the time from the event's `created_at` to its
// arrival. GET /stats answers {count, distinct, latencies} and POST /reset
// forgets.
const SCRIPT = `
const http = require('node:http');
let latencies = [], ids = new Set(), count = 0;
http.createServer((req, res) => {
  if (req.method === 'GET') { res.setHeader('content-type', 'application/json'); return res.end(JSON.stringify({ count, distinct: ids.size, latencies })); }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/reset') { latencies = []; ids = new Set(); count = 0; return res.end(); }
    const now = Date.now();
    count += 1;
    ids.add(req.headers['webhook-id'] || count);
    try { latencies.push(now - Date.parse(JSON.parse(Buffer.concat(chunks).toString()).created_at)); } catch {}
    res.end();
  });
}).keepAliveTimeout = 60000;
`;

export interface RunningReceiver {
  url: string; // where webhooks go
  stats: () => Promise<{ count: number; distinct: number; latencies: number[] }>;
  reset: () => Promise<void>;
  stop: () => Promise<void>;
}

// `niceness` (0 to 19) lowers the receiver's CPU priority: a benchmark of
// the service's own cost with a receiver that stands for one on another
// machine (the CRM), which should not take the 2 cores from the service.
export async function startReceiver(niceness = 0): Promise<RunningReceiver> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT.replace('}).keepAliveTimeout = 60000;', `}).listen(${port}, '127.0.0.1').keepAliveTimeout = 60000;`)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (niceness > 0 && child.pid) setPriority(child.pid, niceness);
  const forgetKill = onExitKill(() => child.kill('SIGKILL'));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    forgetKill();
    forgetCleanup();
  };
  const forgetCleanup = onCleanup(`stop the receiver on port ${port}`, stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/stats`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 100) throw new Error('the receiver did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`receiver up on port ${port} (pid ${child.pid}${niceness > 0 ? `, nice ${niceness}` : ''})`);
  return {
    url: `${base}/hook`,
    stats: async () => (await fetch(`${base}/stats`)).json() as Promise<{ count: number; distinct: number; latencies: number[] }>,
    reset: async () => void (await fetch(`${base}/reset`, { method: 'POST' })),
    stop,
  };
}

// The service's settings for delivering to a receiver on loopback.
export const RECEIVER_ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
