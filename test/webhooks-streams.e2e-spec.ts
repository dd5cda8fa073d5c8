// Webhook streams (src/webhooks/endpoint-stream.ts, webhook-streams.ts): the
// instance that leases an endpoint sends its events from the log and writes
// one row per event; a new holder goes on from the cursor without sending
// again what already has its row; a holder that lost its lease writes
// nothing. (Sharing the endpoints out: webhooks-instances.e2e-spec.ts.)
import { OutgoingEvent } from '../src/events/outgoing-event';
import { OutgoingEvents } from '../src/events/outgoing-events.service';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, newAgent } from './support/lifecycle-fixtures';
import { waitUntil } from './support/spawned-service';
import { TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

const URL_BASE = '/manager/api/v1/webhooks';
const ENV = { WEBHOOKS_ENABLED: 'true', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE_MS: '50,100,200', WEBHOOK_TIMEOUT_MS: '500' };

describe('webhook streams', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => (t = await TestApp.start(ENV)));
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async (delayMs = 0) => {
    const r = await WebhookReceiver.start(() => ({ status: 200, delayMs }));
    receivers.push(r);
    return r;
  };
  const register = async (app: TestApp, f: CallFixtures, url: string) => (await app.post(URL_BASE, { url }, f.company)).body as { id: number; secret: string };
  const eventsOf = (f: CallFixtures, count: number) =>
    waitUntil(async () => {
      const events = await t.app.get(OutgoingEvents).readAfter(f.companyId, null, 1000);
      return events.length === count ? events : undefined;
    }, 10_000, `${count} events readable`);
  const rowsOf = async (endpointId: number) =>
    t.db.query<{ event_row: string; status: string }>(`SELECT event_row::text, status FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY event_row`, [endpointId]);
  const rowIdOf = (event: OutgoingEvent) => event.id.slice(-20).replace(/^0+/, '');

  it('goes on from the cursor, and does not send again an event that already has its row', async () => {
    const f = await seedCallFixtures(t);
    const r = await receiver();
    const endpoint = await register(t, f, r.url);
    expect((await t.patch(`${URL_BASE}/${endpoint.id}`, { status: 'disabled' }, f.company)).status).toBe(200);
    const call = await callIn(t, f, 'finished', { agentEmail: (await newAgent(t, f)).email }); // created, connect, connected, hangup
    const events = await eventsOf(f, 4);
    // As a holder that died would leave it: the third event written (out of
    // order, its predecessors still in flight), the cursor before all four.
    const [{ company_id }] = await t.db.query(`SELECT company_id FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    const third = events[2];
    await t.db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, company_id, event_row, event_tx, event_type, call_id, seq, status, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, 3, 'succeeded', '[{"at": "2026-12-06T00:00:00.000Z", "status_code": 200, "error": null, "duration_ms": 1}]')`,
      [endpoint.id, company_id, rowIdOf(third), third.id.slice(4, 24).replace(/^0+/, ''), third.type, call.id],
    );
    expect((await t.patch(`${URL_BASE}/${endpoint.id}`, { status: 'enabled' }, f.company)).status).toBe(200);
    await waitUntil(async () => (await rowsOf(endpoint.id)).length === 4 || undefined, 10_000, 'a row per event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.receipts.map((x) => x.id)).toEqual([events[0].id, events[1].id, events[3].id]);
    expect((await rowsOf(endpoint.id)).map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const [{ cursor }] = await t.db.query(`SELECT cursor_id::text AS cursor FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(cursor).toBe(rowIdOf(events[3]));
  });

  it('writes nothing once another instance took the lease, and goes on when the lease comes back', async () => {
    const f = await seedCallFixtures(t);
    const r = await receiver(400);
    const endpoint = await register(t, f, r.url);
    await waitUntil(async () => (await t.db.query(`SELECT 1 FROM webhook_endpoints WHERE id = $1 AND lease_owner IS NOT NULL`, [endpoint.id]))[0], 5000, 'the lease');
    await callIn(t, f, 'queued');
    await waitUntil(async () => r.receipts.length === 1 || undefined, 5000, 'the attempt in flight');
    // Taken over while the attempt is in flight: its outcome is not written.
    await t.db.query(`UPDATE webhook_endpoints SET lease_owner = 'another-instance', lease_until = now() + interval '2 seconds' WHERE id = $1`, [endpoint.id]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await rowsOf(endpoint.id)).toEqual([]);
    // The other instance "died": its lease runs out, this one takes the
    // endpoint again and sends the event that was in flight once more.
    const [event] = await eventsOf(f, 1);
    await waitUntil(async () => (await rowsOf(endpoint.id)).length === 1 || undefined, 10_000, 'the row');
    expect(r.receipts.map((x) => x.id)).toEqual([event.id, event.id]);
    r.verifyAll(endpoint.secret);
  });
});
