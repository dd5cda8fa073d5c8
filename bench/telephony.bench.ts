// Telephony through the simulator provider (shared spec telephony.md,
// "Capacity"): complete calls per second through the whole engine — an
// outbound call created and connected over the API, dialed by the engine,
// rung, answered and hung up by the simulated end user, each provider event
// applied through the lifecycle — beside the same calls with no provider,
// their progress reported by the client (connect, connected, hangup), in
// the same run; and dialing at a steady rate through a provider paced at
// calls_per_second, checked for lost and doubled dials.
//
//   npm run bench:telephony     (builds, then runs this file)
//
// Knobs (environment): DATABASE_URL, BENCH_TELEPHONY_WORKERS (50),
// BENCH_TELEPHONY_SECONDS (15), BENCH_TELEPHONY_RATE (20),
// BENCH_TELEPHONY_PACE_SECONDS (60).
import 'reflect-metadata';
import { Pool } from 'pg';
import { log, runBench } from './lib/cleanup';
import { agentEmail, Company, createBenchDatabase, seedAgents, seedCompany, seedOutboundNumber } from './lib/database';
import { JsonClient } from './lib/load';
import { fmt, markdownTable, runStamp, saveJson, summarize, verdict } from './lib/report';
import { measureCpuSplit, startService } from './lib/service';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const WORKERS = int('BENCH_TELEPHONY_WORKERS', 50);
const SECONDS = int('BENCH_TELEPHONY_SECONDS', 15);
const RATE = int('BENCH_TELEPHONY_RATE', 20);
const PACE_SECONDS = int('BENCH_TELEPHONY_PACE_SECONDS', 60);
const PACE_AGENTS = 400;
const NUMBER = '+1 859-657-9625';


// Waits for calls to end: one query every 10 ms for all the calls waited on.
class Endings {
  private readonly waiting = new Map<string, (status: string) => void>();
  private timer?: NodeJS.Timeout;
  private busy = false;
  constructor(private readonly db: Pool) {}
  start(): void {
    this.timer = setInterval(() => void this.poll(), 10);
  }
  stop(): void {
    clearInterval(this.timer);
  }
  wait(callId: string): Promise<string> {
    return new Promise((resolve) => this.waiting.set(callId, resolve));
  }
  private async poll(): Promise<void> {
    if (this.busy || this.waiting.size === 0) return;
    this.busy = true;
    try {
      const { rows } = await this.db.query<{ id: string; status: string }>(`SELECT id::text, status FROM calls WHERE id = ANY($1::bigint[]) AND status IN ('finished', 'failed')`, [[...this.waiting.keys()]]);
      for (const row of rows) {
        this.waiting.get(row.id)?.(row.status);
        this.waiting.delete(row.id);
      }
    } finally {
      this.busy = false;
    }
  }
}

async function provider(client: JsonClient, callsPerSecond: number): Promise<number> {
  const created = await client.post('/manager/api/v1/voice_providers', { name: 'sim', kind: 'simulator', priority: 1, calls_per_second: callsPerSecond, max_concurrent_calls: 10_000, enabled: true });
  if (created.status !== 201) throw new Error(`provider: ${created.status} ${created.body}`);
  const id = (JSON.parse(created.body) as { id: number }).id;
  // Answered at once, hung up by the end user at once: a call as short as the engine allows.
  const rule = await client.post(`/manager/api/v1/voice_providers/${id}/simulator_rules`, { prefix: '+1', outcome: 'answer', ring_ms: 0, hangup_after_ms: 0 });
  if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${rule.body}`);
  return id;
}

async function post(client: JsonClient, path: string, body: unknown): Promise<any> {
  const answer = await client.post(path, body);
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
  return JSON.parse(answer.body);
}

// WORKERS loops for SECONDS, each with its own agent: create an outbound
// call and connect it, then (with a provider) wait for the engine to end it,
// or (without) report connected and hangup as a client would.
async function completeCalls(client: JsonClient, endings: Endings, firstAgent: number, withProvider: boolean) {
  const until = Date.now() + SECONDS * 1000;
  const durations: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      while (Date.now() < until) {
        const t0 = performance.now();
        const call = await post(client, '/apps/api/v1/calls', { call_type: 'Voice Outbound (API)', agent_email: agentEmail(firstAgent + w), end_user_number: NUMBER });
        const ended = withProvider ? endings.wait(String(call.id)) : undefined;
        await post(client, `/apps/api/v1/calls/${call.id}/events`, { type: 'connect' });
        let status: string;
        if (ended) status = await ended;
        else {
          await post(client, `/apps/api/v1/calls/${call.id}/events`, { type: 'connected' });
          status = (await post(client, `/apps/api/v1/calls/${call.id}/events`, { type: 'hangup', disconnected_by: 'disconnected_by_end_user' })).status;
        }
        outcomes[status] = (outcomes[status] ?? 0) + 1;
        durations.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { calls: durations.length, perSecond: durations.length / seconds, latency: summarize(durations), outcomes };
}

runBench('telephony', async () => {
  const stamp = runStamp();
  const db = await createBenchDatabase();
  const dialing: Company = await seedCompany(db, 'dialing');
  const reporting: Company = await seedCompany(db, 'reporting');
  const pacing: Company = await seedCompany(db, 'pacing');
  for (const company of [dialing, reporting, pacing]) await seedOutboundNumber(db, company.id);
  await seedAgents(db, dialing.id, 0, WORKERS - 1);
  await seedAgents(db, reporting.id, 0, WORKERS - 1);
  await seedAgents(db, pacing.id, 0, PACE_AGENTS - 1);
  const service = await startService({ TELEPHONY_ENABLED: 'true', SIMULATOR_HANGUP_AFTER_MS: '0' });
  const endings = new Endings(db);
  endings.start();
  const clients = { dialing: new JsonClient(service.url, dialing.authorization), reporting: new JsonClient(service.url, reporting.authorization), pacing: new JsonClient(service.url, pacing.authorization) };
  await provider(clients.dialing, 1000);
  const paced = await provider(clients.pacing, RATE);

  // ---- complete calls per second: through the simulator, and reported by the client ----
  const { result: simulated, cpu: simCpu } = await measureCpuSplit(service, () => completeCalls(clients.dialing, endings, 0, true));
  log(`simulator: ${simulated.calls} complete calls in ${SECONDS} s = ${fmt(simulated.perSecond)}/s, p50 ${fmt(simulated.latency.p50, 0)} ms, p99 ${fmt(simulated.latency.p99, 0)} ms, ${JSON.stringify(simulated.outcomes)}; service CPU ${fmt((simCpu.service / simCpu.seconds) * 100, 0)}%, PostgreSQL ${fmt((simCpu.postgres / simCpu.seconds) * 100, 0)}%`);
  const { result: reported, cpu: repCpu } = await measureCpuSplit(service, () => completeCalls(clients.reporting, endings, 0, false));
  log(`client-reported: ${reported.calls} complete calls = ${fmt(reported.perSecond)}/s, p99 ${fmt(reported.latency.p99, 0)} ms, ${JSON.stringify(reported.outcomes)}; service CPU ${fmt((repCpu.service / repCpu.seconds) * 100, 0)}%, PostgreSQL ${fmt((repCpu.postgres / repCpu.seconds) * 100, 0)}%`);

  // ---- dialing at RATE calls/s for PACE_SECONDS through a provider paced at RATE ----
  const total = RATE * PACE_SECONDS;
  const t0 = performance.now();
  const waits: Array<Promise<string>> = [];
  const refused: string[] = [];
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    waits.push(
      (async () => {
        try {
          const call = await post(clients.pacing, '/apps/api/v1/calls', { call_type: 'Voice Outbound (API)', agent_email: agentEmail(i % PACE_AGENTS), end_user_number: NUMBER });
          const ended = endings.wait(String(call.id));
          await post(clients.pacing, `/apps/api/v1/calls/${call.id}/events`, { type: 'connect' });
          return await ended;
        } catch (error) {
          refused.push(String(error));
          return 'refused';
        }
      })(),
    );
  }
  const statuses = await Promise.all(waits);
  endings.stop();
  const { rows: legs } = await db.query<{ call_id: string; legs: number; dialed: string | null }>(
    `SELECT c.id::text AS call_id, count(l.id)::int AS legs, min(l.dialed_at)::text AS dialed
       FROM calls c LEFT JOIN telephony_legs l ON l.call_id = c.id AND l.provider_id = $2 WHERE c.company_id = $1 GROUP BY c.id`,
    [pacing.id, paced],
  );
  const { rows: [{ peak }] } = await db.query<{ peak: number }>(
    `SELECT coalesce(max(n), 0)::int AS peak FROM (
       SELECT count(*) OVER (ORDER BY dialed_at RANGE BETWEEN CURRENT ROW AND interval '999 milliseconds' FOLLOWING) AS n
         FROM telephony_legs WHERE provider_id = $1 AND dialed_at IS NOT NULL) w`,
    [paced],
  );
  const lost = legs.filter((l) => l.legs === 0).length + refused.length;
  const doubled = legs.filter((l) => l.legs > 1).length;
  const finished = statuses.filter((s) => s === 'finished').length;
  log(`pacing: ${total} calls at ${RATE}/s for ${PACE_SECONDS} s: ${finished} finished, ${lost} lost, ${doubled} dialed twice; at most ${peak} dials in any second (provider calls_per_second ${RATE})`);
  for (const client of Object.values(clients)) client.close();
  await service.stop();

  const table = markdownTable([
    {
      case: `complete calls, ${WORKERS} workers, ${SECONDS} s (create, connect; the engine dials; ring, answer, end-user hang-up)`,
      result: `${fmt(simulated.perSecond)} calls/s, p99 ${fmt(simulated.latency.p99, 0)} ms`,
      baseline: `${fmt(reported.perSecond)} calls/s reported by the client (create, connect, connected, hangup)`,
      ratio: fmt(simulated.perSecond / reported.perSecond, 2),
      target: `≥ 500 calls/s: ${verdict(simulated.perSecond >= 500)}`,
    },
    {
      case: `dialing ${RATE} calls/s for ${PACE_SECONDS} s, provider at calls_per_second ${RATE}`,
      result: `${finished} of ${total} finished, ${lost} lost, ${doubled} doubled, peak ${peak} dials/s`,
      baseline: '',
      ratio: '',
      target: `0 lost or doubled, ≤ ${RATE} dials/s: ${verdict(lost === 0 && doubled === 0 && peak <= RATE)}`,
    },
  ]);
  console.log(`\n## telephony (${stamp})\n\n${table}\n`);
  log(`saved ${saveJson('telephony', stamp, { simulated, reported, simCpu, repCpu, pacing: { total, finished, lost, doubled, peak, refused: refused.slice(0, 5) } })}`);
  if (doubled > 0) throw new Error(`${doubled} calls dialed twice`);
});
