import { seedCallFixtures, CallFixtures } from './call-fixtures';
import type { TestApp } from './test-app';
import { until } from './waits';

// Telephony timings short enough for tests (the defaults are the spec's:
// ring 30 s, watchdog grace 15 s, media timeout 10 s).
export const FAST_TELEPHONY = {
  TELEPHONY_ENABLED: 'true',
  TELEPHONY_TICK_MS: '20',
  TELEPHONY_RING_TIMEOUT_MS: '1500',
  TELEPHONY_WATCHDOG_GRACE_MS: '700',
  TELEPHONY_REORDER_WAIT_MS: '200',
  SIMULATOR_HANGUP_AFTER_MS: '300',
  SIMULATOR_MEDIA_TIMEOUT_MS: '200',
};

export const ENDED = ['finished', 'failed'];

export interface TelephonyCompany extends CallFixtures {
  // Agents free to place calls, one per call.
  callers: string[];
}

let agentCounter = 0;

// A company with the Calls API fixtures and `callers` more available agents.
export async function seedTelephonyCompany(t: TestApp, callers = 5): Promise<TelephonyCompany> {
  const f = await seedCallFixtures(t);
  const prefix = `caller${++agentCounter}-${Date.now()}`;
  const rows = await t.db.query<{ email: string }>(
    `INSERT INTO agents (company_id, email, first_name, last_name, agent_number, can_make_calls, status)
     SELECT $1, $2 || '-' || n || '@example.com', 'Cal', 'Ler', n::text, true, 'available' FROM generate_series(1, $3::int) n RETURNING email`,
    [f.companyId, prefix, callers],
  );
  return { ...f, callers: rows.map((r) => r.email) };
}

export async function addProvider(t: TestApp, f: CallFixtures, body: Record<string, unknown>): Promise<number> {
  const res = await t.post('/manager/api/v1/voice_providers', { name: 'sim', kind: 'simulator', calls_per_second: 1000, max_concurrent_calls: 10000, ...body }, f.company);
  if (res.status !== 201) throw new Error(`provider not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function addRule(t: TestApp, f: CallFixtures, providerId: number, body: Record<string, unknown>): Promise<void> {
  const res = await t.post(`/manager/api/v1/voice_providers/${providerId}/simulator_rules`, body, f.company);
  if (res.status !== 201) throw new Error(`rule not created: ${res.status} ${JSON.stringify(res.body)}`);
}

// An outbound call to `number`, then its `connect`: the engine dials.
export async function dialOut(t: TestApp, f: TelephonyCompany, number: string, agentEmail = f.callers[0]): Promise<number> {
  const created = await t.post('/apps/api/v1/calls', { call_type: 'Voice Outbound (API)', agent_email: agentEmail, end_user_number: number }, f.company);
  if (created.status !== 201) throw new Error(`call not created: ${created.status} ${JSON.stringify(created.body)}`);
  const connected = await t.post(`/apps/api/v1/calls/${created.body.id}/events`, { type: 'connect' }, f.company);
  if (connected.status !== 200) throw new Error(`connect refused: ${connected.status} ${JSON.stringify(connected.body)}`);
  return created.body.id;
}

export async function callOf(t: TestApp, f: CallFixtures, id: number): Promise<any> {
  return (await t.get(`/apps/api/v1/calls/${id}`, f.company)).body;
}

export async function logOf(t: TestApp, f: CallFixtures, id: number): Promise<any[]> {
  return (await t.get(`/apps/api/v1/calls/${id}/events`, f.company)).body;
}

export async function untilStatus(t: TestApp, f: CallFixtures, id: number, statuses: string[], timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await t.db.query(`SELECT status FROM calls WHERE id = $1`, [id]);
    if (statuses.includes(row.status)) return callOf(t, f, id);
    if (Date.now() > deadline) throw new Error(`call ${id} still ${row.status}, expected ${statuses.join('|')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export { until };
