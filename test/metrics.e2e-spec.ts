// GET /metrics (Prometheus text), behind the operator's token: requests by
// route pattern and status, lifecycle events applied and refused by type,
// idempotency conflicts, the database pool, and what is read from the
// database at each scrape.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/calls/ccai/idempotency.service';
import { seedCallFixtures } from './support/call-fixtures';
import { callIn, postEvent } from './support/lifecycle-fixtures';
import { ADMIN_TOKEN, TestApp } from './support/test-app';

describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  const scrape = async () => (await t.request('GET', '/metrics', { auth: `Bearer ${ADMIN_TOKEN}` })).body as string;
  const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"()[\]]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

  it('is refused without the operator token', async () => {
    expect((await t.get('/metrics')).status).toBe(401);
    const f = await seedCallFixtures(t);
    expect((await t.get('/metrics', f.company)).status).toBe(401);
  });

  it('counts requests by route pattern, events by type and outcome, and idempotency conflicts', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected');
    expect((await postEvent(t, f, call.id, { type: 'hold' })).status).toBe(200);
    expect((await postEvent(t, f, call.id, { type: 'hold' })).status).toBe(409); // already on hold
    const body = { call_type: 'Voice Inbound (API)', menu_id: f.menus.ivrLeaf, end_user_number: '+1 859-657-9625' };
    // The key of a request still running (its lease alive): a second one is 409.
    await t.db.query(`INSERT INTO idempotency_keys (company_id, key, request_hash, created_at, lease_until) VALUES ($1, 'busy-key', $2, now(), now() + interval '1 minute')`, [
      f.companyId,
      createHash('sha256').update(canonicalJson(body)).digest('hex'),
    ]);
    expect((await t.post('/apps/api/v1/calls', body, f.company, { 'idempotency-key': 'busy-key' })).status).toBe(409);

    const res = await t.request('GET', '/metrics', { auth: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body as string;
    expect(value(text, 'switchboard_http_requests_total{route="/apps/api/v1/calls/:id/events",method="POST",status="409"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(new RegExp(`route="/apps/api/v1/calls/${call.id}/`)); // patterns, not ids
    expect(value(text, 'switchboard_call_events_total{type="hold",source="client",outcome="applied"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'switchboard_call_events_total{type="hold",source="client",outcome="refused"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'switchboard_idempotency_conflicts_total')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^switchboard_http_request_duration_seconds_bucket\{le="0\.05",route="\/apps\/api\/v1\/calls",method="POST"\} \d+$/m);
    expect(value(text, 'switchboard_db_pool_connections{state="max"}')).toBe(10);
    expect(value(text, 'switchboard_db_pool_waiting')).toBe(0);
    expect(value(text, 'switchboard_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('reads the dispatch lag, the pending webhook deliveries and the open legs from the database', async () => {
    const f = await seedCallFixtures(t);
    await t.db.query(
      `INSERT INTO calls (company_id, call_type, status, lang, created_at, scheduled_at, last_seq, updated_at, voip_provider, recording_permission)
       VALUES ($1, 'Voice Scheduled (API)', 'scheduled', 'en', now() - interval '2 minutes', now() - interval '90 seconds', 1, now(), 'voip_provider_twilio', 'not_asked')`,
      [f.companyId],
    );
    const text = await scrape();
    expect(value(text, 'switchboard_dispatch_lag_seconds')).toBeGreaterThanOrEqual(89); // the scheduler is off in tests
    expect(value(text, 'switchboard_webhook_deliveries_pending')).toBe(0);
    expect(value(text, 'switchboard_telephony_legs_open')).toBe(0);
  });
});
