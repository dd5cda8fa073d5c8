// Delivery records are kept EVENT_RETENTION_HOURS at least, then removed in
// batches; a delivery still pending stays until it has finished.
import { WebhookRetention } from '../src/webhooks/webhook-retention';
import { TestApp } from './support/test-app';

describe('webhook delivery records', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start({ WEBHOOKS_ENABLED: 'false' })));
  afterAll(() => t.close());

  it('removes finished delivery records after the retention, in batches, and keeps pending ones', async () => {
    const company = await t.createCompany();
    const [{ id: companyId }] = await t.db.query(`SELECT id FROM companies WHERE key = $1`, [company.key]);
    const [endpoint] = await t.db.query(
      `INSERT INTO webhook_endpoints (company_id, url, secret, cursor_tx, cursor_id, start_snapshot) VALUES ($1, 'https://93.184.216.34/', 'whsec_x', '1', 0, pg_current_snapshot()) RETURNING id`,
      [companyId],
    );
    await t.db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, company_id, event_row, event_tx, event_type, call_id, seq, status, next_attempt_at, created_at)
       SELECT $1::bigint, $2::bigint, i, '1'::xid8, 'call.hold', 1, i, CASE WHEN i <= 5 THEN 'pending' WHEN i % 2 = 0 THEN 'failed' ELSE 'succeeded' END, now(), now() - interval '25 hours'
         FROM generate_series(1, 2505) i
       UNION ALL SELECT $1::bigint, $2::bigint, 10000 + i, '1'::xid8, 'call.hold', 1, i, 'succeeded', now(), now() - interval '23 hours' FROM generate_series(1, 10) i`,
      [endpoint.id, companyId],
    );
    const removed = await t.app.get(WebhookRetention).sweep(24, 1000);
    expect(removed).toBe(2500);
    const [left] = await t.db.query(`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*)::int AS total FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint.id]);
    expect(left).toEqual({ pending: 5, total: 15 });
  });
});
