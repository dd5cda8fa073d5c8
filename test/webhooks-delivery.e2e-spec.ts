// Webhook delivery (shared spec events-api.md) to real receivers on
// loopback, verified with the `standardwebhooks` package as a receiver
// would: faults of every kind on some receivers never keep an event from
// the healthy ones, cost at most one duplicate per injected fault, and keep
// the webhook-id, a fresh timestamp, a valid signature and each call's order.
import { OutgoingEvent } from '../src/events/outgoing-event';
import { OutgoingEvents } from '../src/events/outgoing-events.service';
import { Webhook } from 'standardwebhooks';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, newAgent, postEvent } from './support/lifecycle-fixtures';
import { freePort, waitUntil } from './support/spawned-service';
import { TestApp } from './support/test-app';
import { until } from './support/waits';
import { Behaviour, deliveryProblems, Receipt, WebhookReceiver } from './support/webhook-receiver';

const URL_BASE = '/manager/api/v1/webhooks';
const ENV = { WEBHOOKS_ENABLED: 'true', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost', WEBHOOK_RETRY_SCHEDULE_MS: '50,100,200', WEBHOOK_TIMEOUT_MS: '1000' };

describe('webhook delivery', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => (t = await TestApp.start(ENV)));
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async (behave?: (n: number, r: Receipt) => Behaviour, port?: number) => {
    const r = await WebhookReceiver.start(behave, port);
    receivers.push(r);
    return r;
  };
  const register = async (f: CallFixtures, url: string, extra: Record<string, unknown> = {}) => {
    const res = await t.post(URL_BASE, { url, ...extra }, f.company);
    if (res.status !== 201) throw new Error(`registering ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; secret: string };
  };

  // `n` calls at once, each through its whole life: created, connect,
  // connected, hold, unhold, hangup.
  async function driveCalls(f: CallFixtures, n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const call = await callIn(t, f, 'connected', { agentEmail: (await newAgent(t, f)).email });
        for (const type of ['hold', 'unhold']) expect((await postEvent(t, f, call.id, { type })).status).toBe(200);
        expect((await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' })).status).toBe(200);
      }),
    );
  }

  // Every outgoing event of the company, once all its log rows are readable.
  async function allEvents(f: CallFixtures): Promise<OutgoingEvent[]> {
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM call_events WHERE company_id = $1`, [f.companyId]);
    return waitUntil(async () => {
      const events = await t.app.get(OutgoingEvents).readAfter(f.companyId, null, 1000);
      return events.length === n ? events : undefined;
    }, 10_000, 'the log readable');
  }

  const deliveriesOf = async (f: CallFixtures, endpointId: number) => (await t.get(`${URL_BASE}/${endpointId}/deliveries`, f.company)).body as any[];

  // The receiver's view of "delivered well": every event exactly once
  // accepted, every receipt signed (standardwebhooks) with a timestamp of
  // its own attempt, the body the event itself, at most `faults` duplicates,
  // and each call's events accepted in order, n+1 not before n was accepted.
  function expectDeliveredWell(name: string, r: WebhookReceiver, secret: string, events: OutgoingEvent[], faults: number): void {
    expect({ name, problems: deliveryProblems(r, secret, events, faults) }).toEqual({ name, problems: [] });
  }

  it('delivers every event to the healthy receivers while others fail, hang, refuse, redirect or are gone', async () => {
    const f = await seedCallFixtures(t);
    const trap = await receiver();
    const subjects = {
      healthy: { r: await receiver(), faults: 0 },
      filtered: { r: await receiver(), faults: 0, types: ['call.created', 'call.hangup'] },
      failsFirst3: { r: await receiver((n) => ({ status: n <= 3 ? 500 : 200 })), faults: 3 },
      busy: { r: await receiver((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 })), faults: 1 },
      hangsOnce: { r: await receiver((n) => (n === 1 ? 'hang' : { status: 200 })), faults: 1 },
      resetsTwice: { r: await receiver((n) => (n <= 2 ? 'reset' : { status: 200 })), faults: 2 },
      slow: { r: await receiver(() => ({ status: 204, delayMs: 150 })), faults: 0 },
      huge: { r: await receiver(() => 'huge'), faults: 0 },
    } as Record<string, { r: WebhookReceiver; faults: number; types?: string[]; secret?: string; id?: number }>;
    for (const s of Object.values(subjects)) Object.assign(s, await register(f, s.r.url, s.types ? { event_types: s.types } : {}));
    // Refuses connections until its first attempt was refused, then listens.
    const refusingPort = await freePort();
    const refusing = await register(f, `http://127.0.0.1:${refusingPort}/hook`);
    const gone = await receiver(() => ({ status: 410 }));
    const goneEndpoint = await register(f, gone.url);
    const redirecting = await receiver(() => ({ status: 302, headers: { location: trap.url } }));
    const redirectEndpoint = await register(f, redirecting.url);

    const started = Date.now();
    const driving = driveCalls(f, 4);
    await until('an attempt was refused', async () => {
      const [row] = await t.db.query(`SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts @> '[{"error": "connection refused"}]' LIMIT 1`, [refusing.id]);
      return row !== undefined;
    });
    const late = await receiver(undefined, refusingPort);
    await driving;
    const events = await allEvents(f);
    expect(events).toHaveLength(24);
    const ids = events.map((e) => e.id);

    const healthyOnes = [...Object.values(subjects).filter((s) => !s.types), { r: late, faults: 0, secret: refusing.secret }];
    await waitUntil(async () => healthyOnes.every((s) => ids.every((id) => s.r.acceptedIds().has(id))), 20_000, 'every event accepted by every healthy receiver');
    const redirected = await waitUntil(async () => {
      const list = await deliveriesOf(f, redirectEndpoint.id);
      return list.length === 24 && list.every((d) => d.status === 'failed') ? list : undefined;
    }, 30_000, 'every redirected delivery failed');

    for (const [name, s] of Object.entries(subjects)) {
      const wanted = s.types ? events.filter((e) => s.types!.includes(e.type)) : events;
      expectDeliveredWell(name, s.r, s.secret!, wanted, s.faults);
    }
    expectDeliveredWell('refusing at first', late, refusing.secret, events, 0);
    // The healthy receiver was never held up by the others: each event within a second of its commit.
    const lag = Math.max(...subjects.healthy.r.accepted().map((r) => r.receivedAt - Date.parse(r.event.created_at)));
    expect(lag).toBeLessThan(1500);
    // Retry-After (1 s) honoured up to the next step's delay (100 ms), not the first step's 50 ms.
    const [first, second] = subjects.busy.r.receipts.filter((r) => r.id === subjects.busy.r.receipts[0].id);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(95);

    // 3xx never followed: every attempt failed with the redirect's status, nothing reached its target.
    for (const d of redirected) {
      expect(d.attempts).toHaveLength(4);
      for (const a of d.attempts) expect(a).toEqual({ at: expect.any(String), status_code: 302, error: 'redirect (302) not followed', duration_ms: expect.any(Number) });
    }
    expect(trap.receipts).toEqual([]);
    // 410 disabled the endpoint: what was in flight then, and nothing after.
    expect((await t.get(`${URL_BASE}/${goneEndpoint.id}`, f.company)).body.status).toBe('disabled');
    const goneSeen = gone.receipts.length;
    expect(goneSeen).toBeGreaterThanOrEqual(1);
    expect(goneSeen).toBeLessThanOrEqual(4); // the first event of each call, at most
    const goneLog = await deliveriesOf(f, goneEndpoint.id);
    expect(goneLog.filter((d) => d.status === 'failed').map((d) => d.attempts[0].status_code)).toEqual(Array(goneSeen).fill(410));
    expect(goneLog.length).toBeLessThanOrEqual(24); // no deliveries are made for it while disabled
    // A healthy delivery's log entry.
    const [delivered] = await deliveriesOf(f, subjects.healthy.id!);
    expect(delivered).toEqual({
      id: expect.any(Number),
      event_id: ids[ids.length - 1],
      event_type: 'call.hangup',
      call_id: events[events.length - 1].data.call_id,
      status: 'succeeded',
      attempts: [{ at: expect.any(String), status_code: 200, error: null, duration_ms: expect.any(Number) }],
      next_attempt_at: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gone.receipts.length).toBe(goneSeen);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('signs with both secrets for the overlap after a rotation', async () => {
    const f = await seedCallFixtures(t);
    const r = await receiver();
    const endpoint = await register(f, r.url);
    const { secret } = (await t.post(`${URL_BASE}/${endpoint.id}/rotate_secret`, {}, f.company)).body;
    await callIn(t, f, 'assigned', { agentEmail: (await newAgent(t, f)).email });
    await waitUntil(async () => r.accepted().length === 1, 10_000, 'the delivery');
    const [receipt] = r.receipts;
    expect(receipt.signature.split(' ')).toEqual([expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/), expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/)]);
    r.verifyAll(secret);
    r.verifyAll(endpoint.secret);
    expect(() => r.verifyAll(`whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toThrow();
    // Once the overlap is over, the new secret alone signs.
    await t.db.query(`UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
    await callIn(t, f, 'assigned', { agentEmail: (await newAgent(t, f)).email });
    await waitUntil(async () => r.accepted().length === 2, 10_000, 'the second delivery');
    expect(r.receipts[1].signature.split(' ')).toHaveLength(1);
    expect(() => new Webhook(endpoint.secret).verify(r.receipts[1].body, r.receipts[1].headers as Record<string, string>)).toThrow();
    new Webhook(secret).verify(r.receipts[1].body, r.receipts[1].headers as Record<string, string>);
  });

  it('starts a new endpoint at the end of the log, and a disabled one where it stopped', async () => {
    const f = await seedCallFixtures(t);
    await callIn(t, f, 'assigned', { agentEmail: (await newAgent(t, f)).email }); // before the endpoint: not delivered
    const before = await allEvents(f);
    const r = await receiver();
    const endpoint = await register(f, r.url);
    expect((await t.patch(`${URL_BASE}/${endpoint.id}`, { status: 'disabled' }, f.company)).status).toBe(200);
    await callIn(t, f, 'connected', { agentEmail: (await newAgent(t, f)).email }); // while disabled: delivered once enabled
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(r.receipts).toEqual([]);
    expect((await t.patch(`${URL_BASE}/${endpoint.id}`, { status: 'enabled' }, f.company)).status).toBe(200);
    const events = (await allEvents(f)).slice(before.length);
    expect(events).toHaveLength(3);
    await waitUntil(async () => r.accepted().length === 3, 10_000, 'the events that came while disabled');
    expectDeliveredWell('re-enabled', r, endpoint.secret, events, 0);
  });

  it('makes one more attempt when asked, also for a failed delivery', async () => {
    const f = await seedCallFixtures(t);
    let answer = 500;
    const r = await receiver(() => ({ status: answer }));
    const endpoint = await register(f, r.url);
    await callIn(t, f, 'assigned', { agentEmail: (await newAgent(t, f)).email });
    const [failed] = await waitUntil(async () => {
      const list = await deliveriesOf(f, endpoint.id);
      return list.length === 1 && list[0].status === 'failed' ? list : undefined;
    }, 10_000, 'the delivery failed');
    expect(failed.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 500, 500]);
    expect(failed.attempts[0].error).toBe('answered 500');
    answer = 200;
    expect((await t.post(`${URL_BASE}/${endpoint.id}/deliveries/${failed.id}/retry`, {}, f.company)).status).toBe(202);
    const [done] = await waitUntil(async () => {
      const list = await deliveriesOf(f, endpoint.id);
      return list[0].status === 'succeeded' ? list : undefined;
    }, 10_000, 'the retried delivery');
    expect(done.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 500, 500, 200]);
    expect(new Set(r.receipts.map((x) => x.id)).size).toBe(1);
    r.verifyAll(endpoint.secret);
  });
});
