// Webhook delivery: deliveries per second from the service to a local
// receiver, beside a plain Node http.request loop posting the same payloads
// to the same receiver in the same run; and event-to-delivery latency with
// events arriving through the API at a steady 100 per second.
//
//   npm run bench:webhooks     (builds, then runs this file)
//
// Knobs (environment): DATABASE_URL, BENCH_WEBHOOK_CALLS (400),
// BENCH_WEBHOOK_EVENTS_PER_CALL (50), BENCH_WEBHOOK_RATE (100),
// BENCH_WEBHOOK_SECONDS (15), BENCH_WEBHOOK_CONCURRENCY (64, the baseline's
// requests in flight: the worker's own limit per endpoint and instance).
import 'reflect-metadata';
import http from 'node:http';
import { Pool } from 'pg';
import { Database } from '../src/database/database';
import { EventLog, START } from '../src/events/event-log';
import { outgoingEvent } from '../src/events/outgoing-event';
import { log, runBench } from './lib/cleanup';
import { agentEmail, benchUrl, Company, createBenchDatabase, seedAgents, seedCompany, seedMenu } from './lib/database';
import { JsonClient } from './lib/load';
import { RECEIVER_ENV, RunningReceiver, startReceiver } from './lib/receiver';
import { fmt, markdownTable, runStamp, saveJson, summarize, verdict } from './lib/report';
import { measureCpuSplit, startService } from './lib/service';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CALLS = int('BENCH_WEBHOOK_CALLS', 400);
const EVENTS_PER_CALL = int('BENCH_WEBHOOK_EVENTS_PER_CALL', 50);
const RATE = int('BENCH_WEBHOOK_RATE', 100);
const SECONDS = int('BENCH_WEBHOOK_SECONDS', 15);
const CONCURRENCY = int('BENCH_WEBHOOK_CONCURRENCY', 64);
const END_USER_NUMBER = '+1 859-657-9625';

const inboundBody = (menuId: string) => ({ call_type: 'Voice Inbound (API)', menu_id: Number(menuId), end_user_number: END_USER_NUMBER });

// `count` connected calls through the API, agent i on call i; answers their ids.
async function connectedCalls(client: JsonClient, menuId: string, count: number, firstAgent: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const created = await client.post('/apps/api/v1/calls', inboundBody(menuId));
      if (created.status !== 201) throw new Error(`create: ${created.status} ${created.body.slice(0, 200)}`);
      const id = (JSON.parse(created.body) as { id: number }).id;
      for (const event of [{ type: 'assign', agent_email: agentEmail(firstAgent + i) }, { type: 'connect' }, { type: 'connected' }]) {
        const answer = await client.post(`/apps/api/v1/calls/${id}/events`, event);
        if (answer.status !== 200) throw new Error(`${event.type}: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
      return id;
    }),
  );
}

// EVENTS_PER_CALL log rows per call (hold / unhold, each with the call's
// view), written straight into the log in one statement: the backlog the
// throughput phase delivers.
async function writeBacklog(db: Pool, companyId: string, callIds: number[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at, call_view)
     SELECT c.id, $1, c.last_seq + g.i, CASE WHEN g.i % 2 = 1 THEN 'hold' ELSE 'unhold' END, 'connected', 'connected', '{}', 'client', clock_timestamp(),
            (SELECT e.call_view FROM call_events e WHERE e.call_id = c.id ORDER BY seq DESC LIMIT 1)
       FROM calls c, generate_series(1, $3::int) AS g(i)
      WHERE c.id = ANY($2::bigint[])
      ORDER BY g.i, c.id`,
    [companyId, callIds, EVENTS_PER_CALL],
  );
  await db.query(`UPDATE calls SET last_seq = last_seq + $2 WHERE id = ANY($1::bigint[])`, [callIds, EVENTS_PER_CALL]);
  return rowCount ?? 0;
}

async function waitForCount(receiver: RunningReceiver, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await receiver.stats();
    if (stats.distinct >= count) return Date.now();
    if (Date.now() > deadline) throw new Error(`only ${stats.distinct} of ${count} deliveries arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The baseline: CONCURRENCY loops, each posting the next payload with
// http.request (a keep-alive agent) and awaiting the answer.
async function plainLoop(url: string, payloads: Array<{ id: string; body: string }>): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const started = performance.now();
  const post = (p: { id: string; body: string }) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(p.body), 'webhook-id': p.id } }, (response) => {
        response.resume();
        response.on('end', () => resolve());
      });
      request.on('error', reject);
      request.end(p.body);
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < payloads.length) await post(payloads[next++]);
    }),
  );
  agent.destroy();
  return (performance.now() - started) / 1000;
}

async function registerEndpoint(client: JsonClient, url: string, status: 'enabled' | 'disabled' = 'enabled'): Promise<number> {
  const created = await client.post('/manager/api/v1/webhooks', { url });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${created.body}`);
  const id = (JSON.parse(created.body) as { id: number }).id;
  if (status === 'disabled') await patch(client, id, { status });
  return id;
}

// JsonClient posts only; PATCH with fetch.
let base = '';
let authorization = '';
async function patch(_client: JsonClient, id: number, body: unknown): Promise<void> {
  const res = await fetch(`${base}/manager/api/v1/webhooks/${id}`, { method: 'PATCH', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`patch: ${res.status} ${await res.text()}`);
}

runBench('webhooks', async () => {
  const stamp = runStamp();
  const db = await createBenchDatabase();
  const company: Company = await seedCompany(db);
  const menu = await seedMenu(db, company.id, 'ivr_menu');
  await seedAgents(db, company.id, 0, CALLS + RATE + 10);
  const receiver = await startReceiver();
  const service = await startService(RECEIVER_ENV);
  base = service.url;
  authorization = company.authorization;
  const client = new JsonClient(service.url, company.authorization);

  // ---- throughput: a backlog of CALLS × EVENTS_PER_CALL events ----
  const calls = await connectedCalls(client, menu, CALLS, 0);
  const endpoint = await registerEndpoint(client, receiver.url, 'disabled'); // its cursor stays before the backlog
  const backlog = await writeBacklog(db, company.id, calls);
  await db.query('VACUUM ANALYZE');
  log(`backlog: ${backlog} events on ${CALLS} calls`);
  await receiver.reset();
  const { result: serviceSeconds, cpu } = await measureCpuSplit(service, async () => {
    const started = Date.now();
    await patch(client, endpoint, { status: 'enabled' });
    return ((await waitForCount(receiver, backlog, 300_000)) - started) / 1000;
  });
  const serviceRate = backlog / serviceSeconds;
  const sent = await receiver.stats();
  log(`service: ${backlog} deliveries in ${fmt(serviceSeconds, 2)} s = ${fmt(serviceRate)}/s (${sent.count - sent.distinct} duplicates), service CPU ${fmt((cpu.service / cpu.seconds) * 100, 0)}%, PostgreSQL ${fmt((cpu.postgres / cpu.seconds) * 100, 0)}%`);
  await patch(client, endpoint, { status: 'disabled' });

  // The same bodies, built as the worker builds them: the delivered events.
  const { rows: delivered } = await db.query<{ event_row: string }>(`SELECT event_row FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint]);
  const wanted = new Set(delivered.map((r) => String(r.event_row)));
  const eventLog = new EventLog(Database.connect({ url: benchUrl(), poolSize: 2 }));
  const rows: Array<{ id: string; body: string }> = [];
  for (let after = START; ; ) {
    const page = await eventLog.readAfter(company.id, after, 1000);
    for (const row of page) if (wanted.has(row.position.id)) rows.push({ id: `${row.position.tx}:${row.position.id}`, body: JSON.stringify(outgoingEvent(row)) });
    if (page.length < 1000) break;
    after = page[page.length - 1].position;
  }
  await receiver.reset();
  const plainSeconds = await plainLoop(receiver.url, rows);
  const plainRate = rows.length / plainSeconds;
  log(`plain http.request loop (${CONCURRENCY} in flight): ${rows.length} posts in ${fmt(plainSeconds, 2)} s = ${fmt(plainRate)}/s`);
  const throughputRatio = serviceRate / plainRate;

  // ---- latency: events through the API at RATE per second ----
  const live = await connectedCalls(client, menu, RATE, CALLS + 1);
  await registerEndpoint(client, receiver.url);
  await new Promise((r) => setTimeout(r, 1500)); // the connect events of `live` delivered first
  await receiver.reset();
  const failures: string[] = [];
  const interval = 1000 / RATE;
  const total = RATE * SECONDS;
  const holding = new Map<number, boolean>();
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const call = live[i % live.length];
    const type = holding.get(call) ? 'unhold' : 'hold';
    holding.set(call, type === 'hold');
    pending.push(
      client.post(`/apps/api/v1/calls/${call}/events`, { type }).then(
        (a) => void (a.status !== 200 && failures.push(`${a.status} ${a.body.slice(0, 100)}`)),
        (e) => void failures.push(String(e)),
      ),
    );
  }
  await Promise.all(pending);
  await waitForCount(receiver, total - failures.length, 60_000);
  const latency = summarize((await receiver.stats()).latencies);
  log(`event → delivery at ${RATE} events/s: p50 ${fmt(latency.p50, 0)} ms, p99 ${fmt(latency.p99, 0)} ms, max ${fmt(latency.max, 0)} ms (${latency.count} deliveries, ${failures.length} failed events)`);
  client.close();
  await service.stop();
  await receiver.stop();

  const table = markdownTable([
    {
      case: `${backlog} deliveries (${CALLS} calls × ${EVENTS_PER_CALL}), one endpoint`,
      service: `${fmt(serviceRate)}/s`,
      baseline: `${fmt(plainRate)}/s (http.request, ${CONCURRENCY} in flight)`,
      ratio: fmt(throughputRatio, 2),
      target: `≥ 0.5: ${verdict(throughputRatio >= 0.5)}`,
    },
    {
      case: `event → delivery, ${RATE} events/s for ${SECONDS} s through the API`,
      service: `p50 ${fmt(latency.p50, 0)} ms, p99 ${fmt(latency.p99, 0)} ms`,
      baseline: '',
      ratio: '',
      target: `p99 ≤ 1000 ms: ${verdict(latency.p99 <= 1000)}`,
    },
  ]);
  console.log(`\n## webhooks (${stamp})\n\n${table}\n`);
  if (failures.length) console.log(`WARNING: ${failures.length} events refused during the latency run, e.g. ${failures[0]}`);
  const file = saveJson('webhooks', stamp, {
    stamp,
    settings: { calls: CALLS, eventsPerCall: EVENTS_PER_CALL, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY },
    throughput: { deliveries: backlog, serviceSeconds, serviceRate, plainSeconds, plainRate, ratio: throughputRatio, duplicates: sent.count - sent.distinct, cpu },
    latency,
    failures: failures.slice(0, 20),
    table,
  });
  log(`saved ${file}`);
});
