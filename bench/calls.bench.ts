// POST /apps/api/v1/calls under load, outbound and inbound, against the
// same statements run by pgbench with no application in between.
//
//   npm run bench:calls     (builds, then runs this file)
//
// Knobs (environment): DATABASE_URL, BENCH_CONNECTIONS (50), BENCH_SECONDS
// (10), BENCH_RATE (200), BENCH_AGENTS (60000), BENCH_DB_POOL_SIZE (20).
import 'reflect-metadata';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { CallsRepository } from '../src/calls/calls.repository';
import { parseCreateCall } from '../src/calls/ccai/create-call.request';
import { CallCreation } from '../src/calls/creation/call-creation.service';
import { Database } from '../src/database/database';
import { CallChanges } from '../src/calls/call-changes';
import { PendingCallsRepository } from '../src/calls/creation/pending-calls.repository';
import { CompaniesService } from '../src/companies/companies.service';
import { log, runBench } from './lib/cleanup';
import { agentEmail, benchUrl, Company, createBenchDatabase, seedAgents, seedCompany, seedMenu, seedOutboundNumber } from './lib/database';
import { cannon, LoadResult, steadyRate } from './lib/load';
import { runPgbench, PgbenchResult } from './lib/pgbench';
import { fmt, markdownTable, runDir, runStamp, saveJson, verdict } from './lib/report';
import { measureCpu, POOL_SIZE, RunningService, startService } from './lib/service';
import { describeTrace, PgbenchScript, RecordingDb, TracedStatement } from './lib/sql-trace';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONNECTIONS = int('BENCH_CONNECTIONS', 50);
const SECONDS = int('BENCH_SECONDS', 10);
const RATE = int('BENCH_RATE', 200);
const RATE_CONNECTIONS = 20; // enough to keep 200 req/s going at up to 100 ms each
const WARMUP_SECONDS = 3;
// Each outbound call makes its agent busy: one agent per request. The app
// takes agents 1..APP_AGENTS in turn; pgbench has its own range (below).
const APP_AGENTS = int('BENCH_AGENTS', 60_000);
// pgbench client c takes agents PG_AGENT_BASE + c * PG_AGENTS_PER_CLIENT + 1, + 2, ...
// from a counter of its own (pgbench variables persist per client across
// transactions). A client running past its range fails loudly (the agent
// is busy or missing), so the ranges cannot silently overlap.
const PG_AGENTS_PER_CLIENT = int('BENCH_PGBENCH_AGENTS_PER_CLIENT', 2_000);
const PG_AGENT_BASE = 1_000_000;
const END_USER_NUMBER = '+1 859-657-9625';

const inboundBody = (menuId: string) => ({ call_type: 'Voice Inbound (API)', menu_id: Number(menuId), end_user_number: END_USER_NUMBER });
const outboundBody = (email: string) => ({ call_type: 'Voice Outbound (API)', agent_email: email, end_user_number: END_USER_NUMBER });

interface Traces {
  inbound: TracedStatement[];
  outbound: TracedStatement[];
  inboundCallId: string;
  outboundCallId: string;
  outboundAgentId: string;
  outboundAgentEmail: string;
}

// One request of each kind through the service's own classes — the auth
// guard's query, then CallCreation.create — recording every statement.
async function traceRequests(company: Company, menuId: string): Promise<Traces> {
  const client = new Client({ connectionString: benchUrl() });
  await client.connect();
  try {
    const db = new RecordingDb(client);
    const database = new Database(db.asPool());
    const companies = new CompaniesService(database);
    const calls = new CallCreation(database, new CallsRepository(database), new PendingCallsRepository(database), new CallChanges());
    const request = async (body: unknown) => {
      const auth = await companies.authenticate(company.key, company.token);
      const result = await calls.create(parseCreateCall(auth!.id, body, null));
      if (!result.created) throw new Error('the traced request was not created');
      return String(result.view.id);
    };
    const inboundCallId = await request(inboundBody(menuId));
    const inbound = db.take();
    const outboundAgentEmail = agentEmail(0); // agent 0: the trace's own
    const outboundCallId = await request(outboundBody(outboundAgentEmail));
    const outbound = db.take();
    const { rows } = await client.query(`SELECT id FROM agents WHERE company_id = $1 AND email = $2`, [company.id, outboundAgentEmail]);
    return { inbound, outbound, inboundCallId, outboundCallId, outboundAgentId: String(rows[0].id), outboundAgentEmail };
  } finally {
    await client.end();
  }
}

// The trace must have the shape the scripts below expect; if the service
// changed, say so rather than benchmark something else.
// BEGIN and COMMIT are the script's own (the creation runs in a transaction).
const statementsOf = (trace: TracedStatement[]) => trace.filter((s) => !/^\s*(BEGIN|COMMIT)\s*$/i.test(s.sql));

function expectShape(what: string, trace: TracedStatement[], patterns: RegExp[]): void {
  const ok = trace.length === patterns.length && patterns.every((p, i) => p.test(trace[i].sql));
  if (!ok) throw new Error(`the ${what} request's statements changed; update calls.bench.ts:\n  ${describeTrace(trace).join('\n  ')}`);
}

// Inbound: BEGIN; auth; menu; the insert CTE (its id kept); the view; COMMIT.
function inboundScript(t: Traces): PgbenchScript {
  const trace = statementsOf(t.inbound);
  expectShape('inbound', trace, [/JOIN api_tokens/, /FROM menus/, /INSERT INTO calls/, /FROM\s+calls c/]);
  const [auth, menu, insert, view] = trace;
  return new PgbenchScript('POST /calls inbound - the statements CallsService sent (traced), in one transaction')
    .raw('BEGIN;')
    .statement(auth)
    .statement(menu)
    .statement(insert, {}, '\\gset c_')
    .statement(view, { c_id: t.inboundCallId })
    .raw('COMMIT;');
}

// Outbound: the same, with the agent lookup (by e-mail; pgbench's agents
// have their number as e-mail, since pgbench variables are numbers), the
// outbound numbers, and the insert whose gate makes the agent busy.
function outboundScript(t: Traces): PgbenchScript {
  const trace = statementsOf(t.outbound);
  expectShape('outbound', trace, [/JOIN api_tokens/, /FROM agents/, /FROM outbound_numbers/, /INSERT INTO calls/, /FROM\s+calls c/]);
  const [auth, agent, numbers, insert, view] = trace;
  return new PgbenchScript('POST /calls outbound - the statements CallsService sent (traced), in one transaction')
    .raw('\\set n :n + 1')
    .raw('\\set agent_no :agent_base + :client_id * :agents_per_client + :n')
    .raw('BEGIN;')
    .statement(auth)
    .statement(agent, { agent_no: t.outboundAgentEmail }, '\\gset a_')
    .statement(numbers)
    .statement(insert, { a_id: t.outboundAgentId }, '\\gset c_')
    .statement(view, { c_id: t.outboundCallId })
    .raw('COMMIT;');
}

async function load(service: RunningService, company: Company, body: () => unknown, connections: number, seconds: number, rate?: number) {
  return measureCpu(service, () =>
    rate === undefined
      ? cannon({ url: `${service.url}/apps/api/v1/calls`, authorization: company.authorization, body: () => JSON.stringify(body()), connections, seconds })
      : steadyRate({ base: service.url, path: '/apps/api/v1/calls', authorization: company.authorization, body, rate, seconds }),
  );
}

function describeLoad(what: string, r: LoadResult, cpuShare: number): void {
  const failures = Object.entries(r.statuses).filter(([s]) => !s.startsWith('2'));
  log(
    `${what}: ${fmt(r.perSecond)} req/s, p50 ${fmt(r.latency.p50, 2)} ms, p99 ${fmt(r.latency.p99, 2)} ms, service CPU ${fmt(cpuShare * 100, 0)}% of a core` +
      (failures.length || r.errors ? ` — FAILURES: ${JSON.stringify(Object.fromEntries(failures))}, ${r.errors} errors; first: ${r.firstFailure}` : ''),
  );
}

runBench('calls', async () => {
  const stamp = runStamp();
  const dir = runDir('calls', stamp);
  const db: Pool = await createBenchDatabase();
  const company = await seedCompany(db);
  const ivr = await seedMenu(db, company.id, 'ivr_menu');
  await seedOutboundNumber(db, company.id);
  await seedAgents(db, company.id, 0, APP_AGENTS);
  await seedAgents(db, company.id, PG_AGENT_BASE + 1, PG_AGENT_BASE + CONNECTIONS * PG_AGENTS_PER_CLIENT, 'i::text');
  await db.query('VACUUM ANALYZE');
  log(`seeded company ${company.key}, menu ${ivr}, ${APP_AGENTS} app agents, ${CONNECTIONS * PG_AGENTS_PER_CLIENT} pgbench agents`);

  const traces = await traceRequests(company, ivr);
  const scripts = { inbound: inboundScript(traces), outbound: outboundScript(traces) };
  log(`traced: inbound ${traces.inbound.length} statements, outbound ${traces.outbound.length} statements per request`);

  // ---- the service under autocannon ----
  const service = await startService();
  // Past APP_AGENTS the agent does not exist: 400s, reported below.
  let nextAgent = 1;
  const outbound = () => outboundBody(agentEmail(nextAgent++));
  const inbound = () => inboundBody(ivr);

  log(`warm-up: ${WARMUP_SECONDS} s of each kind`);
  await load(service, company, outbound, 10, WARMUP_SECONDS);
  await load(service, company, inbound, 10, WARMUP_SECONDS);

  const app: Record<string, { result: LoadResult; cpuShare: number }> = {};
  for (const [name, body] of [['outbound', outbound], ['inbound', inbound]] as const) {
    app[name] = await load(service, company, body, CONNECTIONS, SECONDS);
    describeLoad(`${name}, ${CONNECTIONS} connections, ${SECONDS} s`, app[name].result, app[name].cpuShare);
  }
  for (const [name, body] of [['outbound', outbound], ['inbound', inbound]] as const) {
    app[`${name}@rate`] = await load(service, company, body, RATE_CONNECTIONS, SECONDS, RATE);
    describeLoad(`${name} at ${RATE} req/s, ${SECONDS} s`, app[`${name}@rate`].result, app[`${name}@rate`].cpuShare);
  }
  await service.stop(); // pgbench gets the machine (and the connections) alone

  // ---- the same statements under pgbench ----
  const pg: Record<string, PgbenchResult> = {};
  for (const name of ['outbound', 'inbound'] as const) {
    const script = scripts[name];
    const vars = name === 'outbound' ? { ...script.vars, n: 0, agent_base: PG_AGENT_BASE, agents_per_client: PG_AGENTS_PER_CLIENT } : script.vars;
    pg[name] = await runPgbench({ scriptFile: join(dir, `${name}.pgbench.sql`), script: script.text(), clients: CONNECTIONS, seconds: SECONDS, vars });
    log(`pgbench ${name}: ${fmt(pg[name].tps)} tps, latency average ${fmt(pg[name].latencyAvgMs, 2)} ms`);
  }
  // Every pgbench outbound call took an agent of its own (the per-client
  // counters worked): as many calls as transactions, on as many agents.
  const { rows } = await db.query(
    `SELECT count(*)::int AS calls, count(DISTINCT c.agent_id)::int AS agents
       FROM calls c JOIN agents a ON a.id = c.agent_id WHERE a.company_id = $1 AND a.email ~ '^[0-9]+$'`,
    [company.id],
  );
  if (rows[0].calls !== pg.outbound.transactions || rows[0].agents !== rows[0].calls) {
    throw new Error(`pgbench outbound: ${pg.outbound.transactions} transactions but ${rows[0].calls} calls on ${rows[0].agents} agents`);
  }
  log(`pgbench outbound: ${rows[0].calls} calls on ${rows[0].agents} distinct agents, as many as transactions`);

  // ---- report ----
  const ratio = (name: 'outbound' | 'inbound') => app[name].result.perSecond / pg[name].tps;
  const table = markdownTable([
    ...(['outbound', 'inbound'] as const).map((name) => ({
      case: `${name}, ${CONNECTIONS} connections, ${SECONDS} s`,
      'req/s': fmt(app[name].result.perSecond),
      'p50 ms': fmt(app[name].result.latency.p50, 2),
      'p99 ms': fmt(app[name].result.latency.p99, 2),
      'pgbench tps': fmt(pg[name].tps),
      'app/pgbench': fmt(ratio(name), 2),
      target: `ratio ≥ 0.35: ${verdict(ratio(name) >= 0.35)}`,
    })),
    ...(['outbound', 'inbound'] as const).map((name) => {
      const r = app[`${name}@rate`].result;
      return {
        case: `${name} at ${RATE} req/s, ${SECONDS} s`,
        'req/s': fmt(r.perSecond),
        'p50 ms': fmt(r.latency.p50, 2),
        'p99 ms': fmt(r.latency.p99, 2),
        'pgbench tps': '',
        'app/pgbench': '',
        target: `p99 < 50 ms: ${verdict(r.latency.p99 < 50)}`,
      };
    }),
  ]);
  const failures = Object.entries(app).filter(([, v]) => v.result.errors > 0 || Object.keys(v.result.statuses).some((s) => !s.startsWith('2')));
  console.log(`\n## calls (${stamp})\n\n${table}\n`);
  console.log(`service: 1 instance, DB_POOL_SIZE=${POOL_SIZE}; service CPU (share of one core) under full load: outbound ${fmt(app.outbound.cpuShare * 100, 0)}%, inbound ${fmt(app.inbound.cpuShare * 100, 0)}%`);
  console.log(`statements per request (traced): inbound ${traces.inbound.length}, outbound ${traces.outbound.length}; pgbench scripts in ${dir}`);
  if (nextAgent > APP_AGENTS) console.log(`WARNING: the ${APP_AGENTS} app agents ran out (raise BENCH_AGENTS)`);
  if (failures.length) console.log(`WARNING: non-2xx answers or errors in: ${failures.map(([k]) => k).join(', ')} (see the JSON)`);
  const file = saveJson('calls', stamp, {
    stamp,
    settings: { connections: CONNECTIONS, seconds: SECONDS, rate: RATE, rateConnections: RATE_CONNECTIONS, poolSize: POOL_SIZE, appAgents: APP_AGENTS, pgbenchAgentsPerClient: PG_AGENTS_PER_CLIENT },
    app,
    pgbench: pg,
    ratios: { outbound: ratio('outbound'), inbound: ratio('inbound') },
    traces: { inbound: describeTrace(traces.inbound), outbound: describeTrace(traces.outbound) },
    table,
  });
  log(`saved ${file}`);
});
