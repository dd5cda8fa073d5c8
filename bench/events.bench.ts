// POST /apps/api/v1/calls/:id/events: throughput of whole call lifecycles,
// the same lock + write transaction under pgbench, and the worst case of
// many clients sending events to one call.
//
//   npm run bench:events     (builds, then runs this file)
//
// Knobs (environment): DATABASE_URL, BENCH_WORKERS (50), BENCH_SECONDS (15),
// BENCH_CALLS_PER_WORKER (150), BENCH_HOT_CLIENTS (50), BENCH_HOT_SECONDS (10),
// BENCH_DB_POOL_SIZE (20), BENCH_WEBHOOK_ENDPOINT (1: one webhook endpoint
// subscribed at a local receiver during the run, to compare the ratio),
// BENCH_RECEIVER_NICE (0; e.g. 10 lowers that receiver's CPU priority: it
// stands for a CRM on another machine, whose CPU is not the service's).
import 'reflect-metadata';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { CallsRepository } from '../src/calls/calls.repository';
import { parseEventRequest } from '../src/calls/ccai/call-event.request';
import { parseCreateCall } from '../src/calls/ccai/create-call.request';
import { CallCreation } from '../src/calls/creation/call-creation.service';
import { CallLifecycle } from '../src/calls/lifecycle/call-lifecycle.service';
import { Database } from '../src/database/database';
import { CallChanges } from '../src/calls/call-changes';
import { CALL_VIEW_COLUMNS, callViewFrom } from '../src/calls/call-view';
import { PendingCallsRepository } from '../src/calls/creation/pending-calls.repository';
import { log, runBench } from './lib/cleanup';
import { agentEmail, benchUrl, Company, createBenchDatabase, seedAgents, seedCompany, seedMenu } from './lib/database';
import { JsonAnswer, JsonClient } from './lib/load';
import { runPgbench } from './lib/pgbench';
import { RECEIVER_ENV, startReceiver } from './lib/receiver';
import { fmt, markdownTable, runDir, runStamp, saveJson, summarize, verdict } from './lib/report';
import { CpuSplit, measureCpuSplit, POOL_SIZE, startService } from './lib/service';
import { describeTrace, PgbenchScript, RecordingDb, TracedStatement } from './lib/sql-trace';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const WORKERS = int('BENCH_WORKERS', 50);
const SECONDS = int('BENCH_SECONDS', 15);
const HOT_CLIENTS = int('BENCH_HOT_CLIENTS', 50);
const HOT_SECONDS = int('BENCH_HOT_SECONDS', 10);
// Calls each worker gets before the run (a lifecycle uses one).
const CALLS_PER_WORKER = int('BENCH_CALLS_PER_WORKER', 150);
const WARMUP_SECONDS = 3;
// pgbench client c works on its own calls: pool calls c * PG_CALLS_PER_CLIENT ..
// (c + 1) * PG_CALLS_PER_CLIENT - 1, one picked at random per transaction
// (as each worker of the service works on its own call).
const PG_CALLS_PER_CLIENT = 100;
const PG_AGENT_BASE = 1_000_000;
const END_USER_NUMBER = '+1 859-657-9625';
const HOT_AGENT = WORKERS + 1;

const inboundBody = (menuId: string) => ({ call_type: 'Voice Inbound (API)', menu_id: Number(menuId), end_user_number: END_USER_NUMBER });
// One call's whole life after its creation: each event moves it on.
const lifecycle = (email: string) => [
  { type: 'assign', agent_email: email },
  { type: 'connect' },
  { type: 'connected' },
  { type: 'hold' },
  { type: 'unhold' },
  { type: 'hangup', disconnected_by: 'disconnected_by_agent' },
];

// ---- the trace: one lifecycle through CallCreation and CallLifecycle ----

interface EventTrace {
  hold: TracedStatement[]; // the statements of `hold` on a connected call
  perEvent: Record<string, number>; // statements per request (create, then each event), the auth guard's query not counted
  callId: string;
  agentId: string;
}

async function traceLifecycle(company: Company, menuId: string): Promise<EventTrace> {
  const client = new Client({ connectionString: benchUrl() });
  await client.connect();
  try {
    const db = new RecordingDb(client);
    const database = new Database(db.asPool());
    const changes = new CallChanges();
    const calls = new CallCreation(database, new CallsRepository(database), new PendingCallsRepository(database), changes);
    const service = new CallLifecycle(database, changes);
    const created = await calls.create(parseCreateCall(company.id, inboundBody(menuId), null));
    if (!created.created) throw new Error('the traced inbound call was not created');
    const callId = String(created.view.id);
    const perEvent: Record<string, number> = { create: db.take().length };
    let hold: TracedStatement[] = [];
    for (const event of lifecycle(agentEmail(0))) {
      await service.applyEvent(parseEventRequest(company.id, callId, event));
      const statements = db.take();
      perEvent[event.type] = statements.length;
      if (event.type === 'hold') hold = statements;
    }
    const { rows } = await client.query(`SELECT agent_id FROM calls WHERE id = $1`, [callId]);
    return { hold, perEvent, callId, agentId: String(rows[0].agent_id) };
  } finally {
    await client.end();
  }
}

// BEGIN; the lock (every statement the service sends before the write:
// the FOR UPDATE, and the read of the locked row if it is separate); the
// `UPDATE calls … INSERT INTO call_events` statement; COMMIT. Not the auth
// query. `view`: the write as the service sends it for a client's event,
// answering the call's view; without, the bare lock + update + insert (the
// write as the scheduler sends it, `SELECT 1 FROM updated`).
function eventScript(t: EventTrace, view: boolean): PgbenchScript {
  const cte = t.hold.findIndex((s) => /UPDATE calls SET status/.test(s.sql) && /INSERT INTO call_events/.test(s.sql));
  const lock = t.hold.slice(1, cte);
  const ok = t.hold[0]?.sql === 'BEGIN' && cte > 1 && lock.every((s) => /FROM calls c\s+WHERE/.test(s.sql)) && lock.some((s) => /FOR UPDATE OF c/.test(s.sql));
  if (!ok) throw new Error(`the event transaction's statements changed; update events.bench.ts:\n  ${describeTrace(t.hold).join('\n  ')}`);
  let write = t.hold[cte];
  if (!view) {
    const withView = `SELECT ${CALL_VIEW_COLUMNS} FROM ${callViewFrom('updated')}`;
    if (!write.sql.includes(withView)) throw new Error(`the event's write no longer ends with the call view; update events.bench.ts:\n${write.sql}`);
    write = { ...write, sql: write.sql.replace(withView, 'SELECT 1 FROM updated') };
  }
  const title = view
    ? 'POST /calls/{id}/events (hold) - the lock and the write CallLifecycle sent (traced), in one transaction'
    : 'POST /calls/{id}/events (hold) - the lock and the write CallLifecycle sent (traced), without the view, in one transaction';
  const script = new PgbenchScript(title)
    .raw('\\set call_id :pool_first + :client_id * :calls_per_client + random(0, :calls_per_client - 1)')
    .raw('BEGIN;');
  // The locked row's agent_id goes back into the write, as the service does
  // (and must: an agent is on at most one live call).
  for (const s of lock) script.statement(s, { call_id: t.callId }, s.fields.includes('agent_id') ? '\\gset l_' : ';');
  return script.statement(write, { call_id: t.callId, l_agent_id: t.agentId }).raw('COMMIT;');
}

// The pgbench pool: one connected call per pgbench agent (a call row and its
// "created" event; the lock and write touch nothing else), contiguous ids.
async function seedPool(db: Pool, companyId: string, menuId: string, count: number): Promise<string> {
  await seedAgents(db, companyId, PG_AGENT_BASE + 1, PG_AGENT_BASE + count);
  const { rows } = await db.query(
    `WITH eu AS (INSERT INTO end_users (company_id, phone_number) VALUES ($1, '+18596579625') RETURNING id),
     c AS (
       INSERT INTO calls (company_id, call_type, status, lang, created_at, queued_at, assigned_at, connected_at, agent_id, menu_id, end_user_id,
                          offer_type, offer_events, last_seq, updated_at)
       SELECT $1, 'Voice Inbound (API)', 'connected', 'en', now(), now(), now(), now(), a.id, $2, eu.id, 'cascade', '[]', 1, now()
         FROM (SELECT id FROM agents WHERE company_id = $1 AND last_name::int > $3 ORDER BY id) a, eu
       RETURNING id),
     ev AS (INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at) SELECT id, $1, 1, 'created', NULL, 'connected', '{}', 'client', now() FROM c)
     SELECT min(id)::bigint AS first, max(id)::bigint AS last, count(*)::int AS n FROM c`,
    [companyId, menuId, PG_AGENT_BASE],
  );
  const { first, last, n } = rows[0];
  if (n !== count || Number(last) - Number(first) + 1 !== count) throw new Error(`pool calls ${first}..${last} (${n}) are not contiguous`);
  return String(first);
}

// ---- the service ----

interface Sample {
  type: string;
  status: number;
  ms: number;
}

// Calls for the timed run, created through the API before it starts (in
// parallel, one creator per worker): creating a call is not an event, and
// pgbench's baseline creates none. A worker that runs out creates more
// inline, inside the run (counted as lost time, not as events).
async function createCalls(http: JsonClient, menuId: string, perWorker: number): Promise<number[][]> {
  return Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const ids: number[] = [];
      for (let i = 0; i < perWorker; i++) ids.push(await createCall(http, menuId));
      return ids;
    }),
  );
}

// One inbound call through the API; answers its id.
async function createCall(http: JsonClient, menuId: string): Promise<number> {
  const created = await http.post('/apps/api/v1/calls', inboundBody(menuId));
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.body.slice(0, 200)}`);
  return (JSON.parse(created.body) as { id: number }).id;
}

// W workers, each with its own agent, each looping over whole lifecycles
// until the deadline: take a call created beforehand (or create one, not
// timed), then send its events one after another (timed). Only answers
// received before the deadline count; a worker finishes its lifecycle after
// it, so its agent is free again for the next phase.
async function lifecycles(
  http: JsonClient,
  menuId: string,
  seconds: number,
  ready: number[][] = [],
): Promise<{ samples: Sample[]; seconds: number; failures: string[]; createdInline: number }> {
  const samples: Sample[] = [];
  const failures: string[] = [];
  let createdInline = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const worker = async (n: number) => {
    const calls = ready[n - 1] ?? [];
    while (Date.now() < deadline) {
      let id = calls.shift();
      if (id === undefined) {
        try {
          id = await createCall(http, menuId);
        } catch (error) {
          failures.push((error as Error).message);
          continue;
        }
        createdInline += 1;
      }
      for (const event of lifecycle(agentEmail(n))) {
        const answer = await http.post(`/apps/api/v1/calls/${id}/events`, event);
        if (Date.now() <= deadline) samples.push({ type: event.type, status: answer.status, ms: answer.ms });
        if (answer.status !== 200) {
          failures.push(`${event.type}: ${answer.status} ${answer.body.slice(0, 200)}`);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i + 1)));
  return { samples, seconds: (deadline - started) / 1000, failures, createdInline };
}

// The worst case: HOT_CLIENTS clients on ONE connected call, each sending
// hold, unhold, hold, ... (half start with unhold): most are refused (409),
// all of them queue for the one row lock.
async function hotCall(http: JsonClient, menuId: string, seconds: number) {
  const created = await http.post('/apps/api/v1/calls', inboundBody(menuId));
  const id = (JSON.parse(created.body) as { id: number }).id;
  for (const event of lifecycle(agentEmail(HOT_AGENT)).slice(0, 3)) {
    const answer = await http.post(`/apps/api/v1/calls/${id}/events`, event);
    if (answer.status !== 200) throw new Error(`hot call ${event.type}: ${answer.status} ${answer.body}`);
  }
  const answers: JsonAnswer[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const client = async (n: number) => {
    let type = n % 2 === 0 ? 'hold' : 'unhold';
    while (Date.now() < deadline) {
      answers.push(await http.post(`/apps/api/v1/calls/${id}/events`, { type }));
      type = type === 'hold' ? 'unhold' : 'hold';
    }
  };
  await Promise.all(Array.from({ length: HOT_CLIENTS }, (_, i) => client(i)));
  return { callId: String(id), answers, seconds: (Date.now() - started) / 1000 };
}

// The call's event log after the storm: seq 1..n without a gap or a
// double, n = last_seq, and one row per applied event (+4: created, assign,
// connect, connected).
async function checkLog(db: Pool, callId: string, applied: number) {
  const { rows } = await db.query(`SELECT (SELECT last_seq FROM calls WHERE id = $1) AS last_seq, array_agg(seq ORDER BY seq) AS seqs FROM call_events WHERE call_id = $1`, [callId]);
  const seqs: number[] = rows[0].seqs;
  const contiguous = seqs.every((seq, i) => seq === i + 1);
  const ok = contiguous && seqs.length === rows[0].last_seq && seqs.length === applied + 4;
  return { ok, events: seqs.length, lastSeq: rows[0].last_seq as number, contiguous, expected: applied + 4 };
}

runBench('events', async () => {
  const stamp = runStamp();
  const dir = runDir('events', stamp);
  const db = await createBenchDatabase();
  const company = await seedCompany(db);
  const ivr = await seedMenu(db, company.id, 'ivr_menu');
  await seedAgents(db, company.id, 0, HOT_AGENT); // 0: the trace's; 1..W: the workers'; then the hot call's
  const poolFirst = await seedPool(db, company.id, ivr, WORKERS * PG_CALLS_PER_CLIENT);
  await db.query('VACUUM ANALYZE');
  const trace = await traceLifecycle(company, ivr);
  const script = eventScript(trace, true);
  const bareScript = eventScript(trace, false);
  const perEvent = Object.entries(trace.perEvent).map(([type, n]) => `${type} ${n}`).join(', ');
  log(`traced: statements per request, besides the auth query: ${perEvent}`);

  // BENCH_WEBHOOK_ENDPOINT=1: one webhook endpoint subscribed (every type) at a local receiver during the run.
  const withEndpoint = process.env.BENCH_WEBHOOK_ENDPOINT === '1';
  const receiver = withEndpoint ? await startReceiver(Number(process.env.BENCH_RECEIVER_NICE ?? 0)) : undefined;
  const service = await startService(withEndpoint ? RECEIVER_ENV : {});
  const http = new JsonClient(service.url, company.authorization);
  if (receiver) {
    const registered = await http.post('/manager/api/v1/webhooks', { url: receiver.url });
    if (registered.status !== 201) throw new Error(`registering the webhook endpoint: ${registered.status} ${registered.body}`);
    log(`one webhook endpoint subscribed at ${receiver.url}`);
  }
  log(`warm-up: ${WARMUP_SECONDS} s`);
  await lifecycles(http, ivr, WARMUP_SECONDS);

  const readyStarted = Date.now();
  const ready = await createCalls(http, ivr, CALLS_PER_WORKER);
  log(`created ${WORKERS * CALLS_PER_WORKER} calls for the run in ${fmt((Date.now() - readyStarted) / 1000, 1)} s`);
  const [{ logged: loggedBefore }] = (await db.query<{ logged: number }>(`SELECT count(*)::int AS logged FROM call_events`)).rows;
  const receivedBefore = receiver ? (await receiver.stats()).count : 0;
  const { result: run, cpu: appCpu } = await measureCpuSplit(service, () => lifecycles(http, ivr, SECONDS, ready));
  if (receiver) {
    // Whether delivery kept up during the timed run (its work was done in
    // the run, not left for after it).
    const [{ logged }] = (await db.query<{ logged: number }>(`SELECT count(*)::int AS logged FROM call_events`)).rows;
    const received = (await receiver.stats()).count - receivedBefore;
    log(`webhook deliveries during the run: ${received} of the ${logged - loggedBefore} events written (${logged - loggedBefore - received} not yet delivered at its end)`);
  }
  if (run.createdInline > 0) log(`workers ran out of calls: ${run.createdInline} created during the run (raise BENCH_CALLS_PER_WORKER)`);
  const cpuShare = appCpu.service / appCpu.seconds;
  const ok = run.samples.filter((s) => s.status === 200);
  const all = summarize(ok.map((s) => s.ms));
  const eventsPerSecond = ok.length / run.seconds;
  const byType = Object.fromEntries(lifecycle('').map(({ type }) => [type, summarize(ok.filter((s) => s.type === type).map((s) => s.ms))]));
  log(`lifecycles: ${fmt(eventsPerSecond)} events/s, p50 ${fmt(all.p50, 2)} ms, p99 ${fmt(all.p99, 2)} ms, service CPU ${fmt(cpuShare * 100, 0)}% of a core`);
  if (run.failures.length) log(`FAILURES (${run.failures.length}): ${run.failures.slice(0, 3).join(' / ')}`);

  const hot = await hotCall(http, ivr, HOT_SECONDS);
  const count = (test: (status: number) => boolean) => hot.answers.filter((a) => test(a.status)).length;
  const hotStats = {
    answers: hot.answers.length,
    perSecond: hot.answers.length / hot.seconds,
    latency: summarize(hot.answers.map((a) => a.ms)),
    applied: count((s) => s === 200),
    refused: count((s) => s === 409),
    other4xx: count((s) => s >= 400 && s < 500 && s !== 409),
    serverErrors: count((s) => s >= 500 || s === 0),
  };
  const logCheck = await checkLog(db, hot.callId, hotStats.applied);
  log(
    `one call, ${HOT_CLIENTS} clients: ${hotStats.answers} answers (${fmt(hotStats.perSecond)}/s), p99 ${fmt(hotStats.latency.p99, 2)} ms, ` +
      `${hotStats.applied} applied, ${hotStats.refused} refused (409), ${hotStats.other4xx} other 4xx, ${hotStats.serverErrors} 5xx; ` +
      `event log: ${logCheck.events} rows, seq ${logCheck.contiguous ? 'contiguous' : 'NOT contiguous'}, last_seq ${logCheck.lastSeq}, expected ${logCheck.expected}`,
  );
  http.close();
  await service.stop();

  const { result: pg, cpu: pgCpu } = await measureCpuSplit(null, () => runPgbench({
    scriptFile: join(dir, 'event.pgbench.sql'),
    script: script.text(),
    clients: WORKERS,
    seconds: SECONDS,
    vars: { ...script.vars, pool_first: poolFirst, calls_per_client: PG_CALLS_PER_CLIENT },
  }));
  log(`pgbench: ${fmt(pg.tps)} tps, latency average ${fmt(pg.latencyAvgMs, 2)} ms`);
  const bare = await runPgbench({
    scriptFile: join(dir, 'event-bare.pgbench.sql'),
    script: bareScript.text(),
    clients: WORKERS,
    seconds: SECONDS,
    vars: { ...bareScript.vars, pool_first: poolFirst, calls_per_client: PG_CALLS_PER_CLIENT },
  });
  log(`pgbench without the view (lock + update + insert): ${fmt(bare.tps)} tps, latency average ${fmt(bare.latencyAvgMs, 2)} ms`);
  const perEventMs = (cpu: CpuSplit, count: number) => ({
    machine: (cpu.machine / count) * 1000,
    service: (cpu.service / count) * 1000,
    postgres: (cpu.postgres / count) * 1000,
    loadGenerator: (cpu.self / count) * 1000,
  });
  const cpuPerEvent = { app: perEventMs(appCpu, ok.length), pgbench: perEventMs(pgCpu, pg.transactions) };
  const cpuLine =
    `CPU per event (ms): machine ${fmt(cpuPerEvent.app.machine, 3)}, of it service ${fmt(cpuPerEvent.app.service, 3)}, PostgreSQL ${fmt(cpuPerEvent.app.postgres, 3)}, load generator ${fmt(cpuPerEvent.app.loadGenerator, 3)}` +
    ` (machine busy ${fmt((appCpu.machine / appCpu.seconds / cpus().length) * 100, 0)}% of ${cpus().length} cores); per pgbench transaction: machine ${fmt(cpuPerEvent.pgbench.machine, 3)}` +
    ` (busy ${fmt((pgCpu.machine / pgCpu.seconds / cpus().length) * 100, 0)}%)`;
  log(cpuLine);

  const ratio = eventsPerSecond / pg.tps;
  const bareRatio = eventsPerSecond / bare.tps;
  const hotOk = hotStats.latency.p99 < 250 && hotStats.serverErrors === 0 && logCheck.ok;
  const table = markdownTable([
    {
      case: `${WORKERS} workers, a call each, ${SECONDS} s`,
      'events/s': fmt(eventsPerSecond),
      'p50 ms': fmt(all.p50, 2),
      'p99 ms': fmt(all.p99, 2),
      'pgbench tps': fmt(pg.tps),
      'app/pgbench': fmt(ratio, 2),
      target: `ratio ≥ 0.35: ${verdict(ratio >= 0.35)}`,
    },
    {
      case: `  the same, against pgbench without the view`,
      'events/s': fmt(eventsPerSecond),
      'p50 ms': '',
      'p99 ms': '',
      'pgbench tps': fmt(bare.tps),
      'app/pgbench': fmt(bareRatio, 2),
      target: `ratio ≥ 0.35: ${verdict(bareRatio >= 0.35)}`,
    },
    {
      case: `${HOT_CLIENTS} clients, one call, ${HOT_SECONDS} s`,
      'events/s': `${fmt(hotStats.perSecond)} answers/s`,
      'p50 ms': fmt(hotStats.latency.p50, 2),
      'p99 ms': fmt(hotStats.latency.p99, 2),
      'pgbench tps': '',
      'app/pgbench': '',
      target: `p99 < 250 ms, 0 5xx, log contiguous: ${verdict(hotOk)}`,
    },
  ]);
  const typeTable = markdownTable(Object.entries(byType).map(([type, s]) => ({ event: type, count: s.count, 'p50 ms': fmt(s.p50, 2), 'p99 ms': fmt(s.p99, 2) })));
  console.log(`\n## events (${stamp})${withEndpoint ? ', one webhook endpoint subscribed' : ''}\n\n${table}\n`);
  console.log(
    `one call: ${hotStats.applied} applied, ${hotStats.refused} refused (409), ${hotStats.other4xx} other 4xx, ${hotStats.serverErrors} 5xx; ` +
      `event log ${logCheck.events} rows, seq 1..${logCheck.lastSeq} ${logCheck.contiguous ? 'contiguous' : 'NOT contiguous'} (expected ${logCheck.expected})\n`,
  );
  console.log(`${typeTable}\n`);
  console.log(`service: 1 instance, DB_POOL_SIZE=${POOL_SIZE}, CPU ${fmt(cpuShare * 100, 0)}% of a core during the lifecycles`);
  console.log(cpuLine);
  console.log(`statements per request (traced; BEGIN and COMMIT included, the auth query not): ${perEvent}; pgbench script in ${dir}`);
  if (run.failures.length) console.log(`WARNING: ${run.failures.length} unexpected answers during the lifecycles, e.g. ${run.failures[0]}`);
  const file = saveJson('events', stamp, {
    stamp,
    settings: { workers: WORKERS, seconds: SECONDS, hotClients: HOT_CLIENTS, hotSeconds: HOT_SECONDS, poolSize: POOL_SIZE, pgCallsPerClient: PG_CALLS_PER_CLIENT },
    cpuPerEvent,
    lifecycles: { eventsPerSecond, latency: all, byType, cpuShare, createdInline: run.createdInline, failures: run.failures.slice(0, 20), failureCount: run.failures.length },
    hot: { ...hotStats, log: logCheck },
    pgbench: pg,
    ratio,
    pgbenchWithoutView: bare,
    ratioWithoutView: bareRatio,
    trace: { hold: describeTrace(trace.hold), statementsPerRequest: trace.perEvent },
    table,
  });
  log(`saved ${file}`);
});
