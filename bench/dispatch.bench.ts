// The scheduler: 100,000 scheduled calls falling due at one instant, two
// service instances dispatching them, against pgbench running the same
// claim + dispatch statements.
//
//   npm run bench:dispatch     (builds, then runs this file)
//
// Knobs (environment): DATABASE_URL, BENCH_CALLS (100000), BENCH_TICK_MS
// (100), BENCH_BATCH (500), BENCH_LEAD_SECONDS (10), BENCH_PGBENCH_SECONDS (15).
import 'reflect-metadata';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { Database } from '../src/database/database';
import { CallChanges } from '../src/calls/call-changes';
import { DueCalls } from '../src/scheduling/due-calls';
import { log, runBench } from './lib/cleanup';
import { insertScheduledCalls } from '../test/support/scheduled-calls';
import { benchUrl, createBenchDatabase, seedCompany, seedMenu } from './lib/database';
import { PgbenchResult, runPgbench } from './lib/pgbench';
import { fmt, markdownTable, runDir, runStamp, saveJson, verdict } from './lib/report';
import { POOL_SIZE, RunningService, startService } from './lib/service';
import { describeTrace, PgbenchScript, RecordingDb, TracedStatement } from './lib/sql-trace';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CALLS = int('BENCH_CALLS', 100_000);
const INSTANCES = 2;
const TICK_MS = int('BENCH_TICK_MS', 100);
const BATCH = int('BENCH_BATCH', 500);
// All calls fall due at one instant, this long after their insert starts:
// enough for the insert to commit first (it is checked).
const LEAD_SECONDS = int('BENCH_LEAD_SECONDS', 10);
const PG_SECONDS = int('BENCH_PGBENCH_SECONDS', 15);
// One pgbench client per instance: each instance's scheduler runs one
// dispatch transaction at a time.
const PG_CLIENTS = INSTANCES;

// ---- the trace: one call through DueCalls.dispatchBatch ----

async function traceDispatch(db: Pool, companyId: string, menuId: string): Promise<{ statements: TracedStatement[]; callId: string }> {
  await insertScheduledCalls(db, companyId, menuId, 1, `now() - interval '1 second'`);
  const { rows } = await db.query(`SELECT id FROM calls WHERE status = 'scheduled'`);
  const client = new Client({ connectionString: benchUrl() });
  await client.connect();
  try {
    const recording = new RecordingDb(client);
    const dueCalls = new DueCalls(new Database(recording.asPool()), new CallChanges());
    // Limit 1: pgbench claims one call per transaction (it has no loops).
    const dispatched = await dueCalls.dispatchBatch(1);
    if (dispatched !== 1) throw new Error(`the traced dispatch dispatched ${dispatched} calls`);
    return { statements: recording.take(), callId: String(rows[0].id) };
  } finally {
    await client.end();
  }
}

// BEGIN; then `perTransaction` times: claim the oldest due call (FOR
// UPDATE SKIP LOCKED, LIMIT 1) and, if there was one, the dispatch write
// (UPDATE calls + INSERT call_events); COMMIT. \aset leaves l_id at 0 when
// nothing was due, so a client that finds the queue empty idles instead of
// failing. pgbench has no loops: the block is written out that many times.
function dispatchScript(trace: { statements: TracedStatement[]; callId: string }, perTransaction: number): PgbenchScript {
  const [begin, claim, write, commit, ...rest] = trace.statements;
  const ok =
    begin?.sql === 'BEGIN' && /FOR UPDATE OF c SKIP LOCKED/.test(claim?.sql ?? '') && /INSERT INTO call_events/.test(write?.sql ?? '') && commit?.sql === 'COMMIT' && rest.length === 0;
  if (!ok) throw new Error(`the dispatch transaction's statements changed; update dispatch.bench.ts:\n  ${describeTrace(trace.statements).join('\n  ')}`);
  const script = new PgbenchScript(`the scheduler - claim + dispatch as DueCalls.dispatchBatch sent them (traced), ${perTransaction} call(s) per transaction`);
  script.raw('BEGIN;');
  for (let i = 0; i < perTransaction; i++) {
    script.raw('\\set l_id 0').statement(claim, {}, '\\aset l_').raw('\\if :l_id > 0').statement(write, { l_id: trace.callId }).raw('\\endif');
  }
  return script.raw('COMMIT;');
}

interface PgbenchDispatch extends PgbenchResult {
  perTransaction: number;
  dispatched: number;
  callsPerSecond: number;
  drained: boolean;
}

// ---- checks ----

interface Outcome {
  calls: number;
  scheduled: number;
  dispatchedOnce: number;
  dispatchedTwice: number;
  lagP50: number; // seconds, scheduled_at → queued_at
  lagP99: number;
  lagMax: number;
  lagMin: number;
  drainSeconds: number; // the due instant → the last queued_at
}

// How every call ended: how many dispatch events each has, and the lag.
async function outcome(db: Pool): Promise<Outcome> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS calls,
            count(*) FILTER (WHERE c.status = 'scheduled')::int AS scheduled,
            count(*) FILTER (WHERE d.n = 1)::int AS "dispatchedOnce",
            count(*) FILTER (WHERE d.n > 1)::int AS "dispatchedTwice",
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.queued_at - c.scheduled_at))::float8 AS "lagP50",
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM c.queued_at - c.scheduled_at))::float8 AS "lagP99",
            max(extract(epoch FROM c.queued_at - c.scheduled_at))::float8 AS "lagMax",
            min(extract(epoch FROM c.queued_at - c.scheduled_at))::float8 AS "lagMin",
            extract(epoch FROM max(c.queued_at) - min(c.scheduled_at))::float8 AS "drainSeconds"
       FROM calls c
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM call_events e WHERE e.call_id = c.id AND e.type = 'dispatch') d ON true`,
  );
  return rows[0];
}

// CALLS due calls in a clean table (the same start for both runs), vacuumed
// and analyzed as autovacuum would have them.
async function freshQueue(db: Pool, companyId: string, menuId: string, dueSql: string): Promise<number> {
  await db.query('TRUNCATE calls CASCADE');
  const started = Date.now();
  await insertScheduledCalls(db, companyId, menuId, CALLS, dueSql);
  const seconds = (Date.now() - started) / 1000;
  await db.query('VACUUM ANALYZE calls, call_events');
  return seconds;
}

async function waitUntilDrained(db: Pool, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const { rows } = await db.query(`SELECT EXISTS (SELECT 1 FROM calls WHERE status = 'scheduled') AS left`);
    if (!rows[0].left) return;
    if (Date.now() > deadline) throw new Error(`calls still scheduled after ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

runBench('dispatch', async () => {
  const stamp = runStamp();
  const dir = runDir('dispatch', stamp);
  const db = await createBenchDatabase();
  const company = await seedCompany(db);
  const menu = await seedMenu(db, company.id, 'web_menu');
  const trace = await traceDispatch(db, company.id, menu);
  log(`traced: dispatching one call sends ${trace.statements.length} statements`);

  // ---- two instances, their schedulers on ----
  await db.query('TRUNCATE calls CASCADE');
  const env = { SCHEDULER_ENABLED: 'true', SCHEDULER_TICK_MS: String(TICK_MS), SCHEDULER_BATCH_SIZE: String(BATCH) };
  const instances: RunningService[] = await Promise.all(Array.from({ length: INSTANCES }, () => startService(env)));

  // The due instant, by the database's clock (the schedulers' clock too).
  const { rows: due } = await db.query(`SELECT (clock_timestamp() + make_interval(secs => $1))::text AS at`, [LEAD_SECONDS]);
  const dueAt: string = due[0].at;
  const insertSeconds = await freshQueue(db, company.id, menu, `'${dueAt}'::timestamptz`);
  const { rows: early } = await db.query(`SELECT extract(epoch FROM $1::timestamptz - clock_timestamp())::float8 AS ahead`, [dueAt]);
  const ahead: number = early[0].ahead;
  log(`${CALLS} calls inserted in ${fmt(insertSeconds)} s, due in ${fmt(ahead)} s (${dueAt})`);
  if (ahead < 0) log(`WARNING: the calls were due ${fmt(-ahead)} s before the insert committed: the lag includes that (raise BENCH_LEAD_SECONDS)`);

  await new Promise((r) => setTimeout(r, Math.max(0, ahead * 1000)));
  const cpu0 = instances.map((i) => i.cpuSeconds());
  const t0 = Date.now();
  await waitUntilDrained(db, 300);
  const wallSeconds = (Date.now() - t0) / 1000;
  const cpuShares = instances.map((i, n) => (i.cpuSeconds() - cpu0[n]) / wallSeconds);
  await Promise.all(instances.map((i) => i.stop()));
  const app = await outcome(db);
  const appPerSecond = app.calls / app.drainSeconds;
  const exactlyOnce = app.calls === CALLS && app.scheduled === 0 && app.dispatchedOnce === CALLS && app.dispatchedTwice === 0;
  log(
    `service: ${fmt(appPerSecond)} calls/s (drained in ${fmt(app.drainSeconds, 2)} s), lag p50 ${fmt(app.lagP50, 2)} s, p99 ${fmt(app.lagP99, 2)} s, max ${fmt(app.lagMax, 2)} s; ` +
      `dispatched once: ${app.dispatchedOnce}/${app.calls}, twice: ${app.dispatchedTwice}; instances' CPU ${cpuShares.map((s) => `${fmt(s * 100, 0)}%`).join(', ')} of a core`,
  );

  // ---- the same statements under pgbench, from the same start ----
  // Two shapes: one call per transaction (a commit per call), and BATCH
  // calls per transaction (a commit per BATCH calls, as the service).
  const pg: Record<string, PgbenchDispatch> = {};
  for (const perTransaction of [1, BATCH]) {
    await freshQueue(db, company.id, menu, `now() - interval '1 second'`);
    const script = dispatchScript(trace, perTransaction);
    const run = await runPgbench({ scriptFile: join(dir, `dispatch-${perTransaction}.pgbench.sql`), script: script.text(), clients: PG_CLIENTS, seconds: PG_SECONDS, vars: script.vars });
    const after = await outcome(db);
    const dispatched = after.calls - after.scheduled;
    if (after.dispatchedOnce !== dispatched || after.dispatchedTwice !== 0) throw new Error(`pgbench dispatched ${dispatched} calls but ${after.dispatchedOnce} have one dispatch event`);
    // Transactions per second × the calls each dispatched (fewer once the queue runs empty).
    const callsPerSecond = run.tps * (dispatched / run.transactions);
    pg[perTransaction] = { ...run, perTransaction, dispatched, callsPerSecond, drained: after.scheduled === 0 };
    log(`pgbench, ${perTransaction} per transaction: ${dispatched} calls dispatched, ${fmt(callsPerSecond)} calls/s${after.scheduled === 0 ? ' (the queue ran empty)' : ''}`);
  }

  const ratio = (perTransaction: number) => appPerSecond / pg[perTransaction].callsPerSecond;
  const table = markdownTable([
    {
      case: `${CALLS} calls due at once, ${INSTANCES} instances (tick ${TICK_MS} ms, batch ${BATCH})`,
      'calls/s': fmt(appPerSecond),
      'lag p50 s': fmt(app.lagP50, 2),
      'lag p99 s': fmt(app.lagP99, 2),
      'pgbench calls/s (1 per tx / batch per tx)': `${fmt(pg[1].callsPerSecond)} / ${fmt(pg[BATCH].callsPerSecond)}`,
      'app/pgbench (1 / batch)': `${fmt(ratio(1), 2)} / ${fmt(ratio(BATCH), 2)}`,
      'each dispatched once': verdict(exactlyOnce),
    },
  ]);
  console.log(`\n## dispatch (${stamp})\n\n${table}\n`);
  console.log(
    `service: drained in ${fmt(app.drainSeconds, 2)} s after the due instant (wall clock ${fmt(wallSeconds, 1)} s), lag min ${fmt(app.lagMin, 3)} s, max ${fmt(app.lagMax, 2)} s; ` +
      `dispatched once ${app.dispatchedOnce}, twice ${app.dispatchedTwice}, left scheduled ${app.scheduled}; DB_POOL_SIZE=${POOL_SIZE}; instances' CPU ${cpuShares.map((s) => `${fmt(s * 100, 0)}%`).join(', ')} of a core`,
  );
  for (const run of Object.values(pg)) {
    console.log(`pgbench, ${run.perTransaction} call(s) per transaction: ${PG_CLIENTS} clients, ${PG_SECONDS} s, ${run.transactions} transactions, ${run.dispatched} calls${run.drained ? ' (queue ran empty)' : ''}`);
  }
  console.log(`pgbench scripts in ${dir}\n`);
  if (!exactlyOnce) throw new Error('not every call was dispatched exactly once (see above)');
  const file = saveJson('dispatch', stamp, {
    stamp,
    settings: { calls: CALLS, instances: INSTANCES, tickMs: TICK_MS, batch: BATCH, leadSeconds: LEAD_SECONDS, pgbenchSeconds: PG_SECONDS, pgbenchClients: PG_CLIENTS, poolSize: POOL_SIZE },
    service: { ...app, callsPerSecond: appPerSecond, wallSeconds, insertSeconds, dueAheadSeconds: ahead, cpuShares, exactlyOnce },
    pgbench: pg,
    ratios: { perCall: ratio(1), perBatch: ratio(BATCH) },
    trace: describeTrace(trace.statements),
    table,
  });
  log(`saved ${file}`);
});
