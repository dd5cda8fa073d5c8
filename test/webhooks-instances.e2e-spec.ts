// Two instances share the delivery work; one is killed (SIGKILL) in the
// middle of it. Nothing is lost, and nothing is sent twice but what was in
// flight on the killed instance.
import { OutgoingEvents } from '../src/events/outgoing-events.service';
import { seedCallFixtures } from './support/call-fixtures';
import { callIn, newAgent, postEvent } from './support/lifecycle-fixtures';
import { spawnService, SpawnedService, waitHealthy, waitUntil } from './support/spawned-service';
import { TestApp } from './support/test-app';
import { deliveryProblems, Receipt, WebhookReceiver } from './support/webhook-receiver';

const CALLS = 16;
const EVENTS_PER_CALL = 10; // created, connect, connected, 3 × (hold, unhold), hangup … see below

describe('webhook delivery with two instances', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const instances: SpawnedService[] = [];
  beforeAll(async () => {
    // This one only writes the events; the spawned instances deliver.
    t = await TestApp.start({ WEBHOOKS_ENABLED: 'false', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    receiver = await WebhookReceiver.start(() => ({ status: 200, delayMs: 60 }));
  });
  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await t.close();
    await receiver.close();
  });

  it('loses nothing and sends nothing twice but the attempts in flight on the killed instance', async () => {
    const env = {
      DATABASE_URL: process.env.SWITCHBOARD_TEST_DATABASE_URL,
      SCHEDULER_ENABLED: 'false',
      DB_POOL_SIZE: '4',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE_MS: '50,100,200,400',
      WEBHOOK_TIMEOUT_MS: '500',
    };
    const starting = [spawnService(env), spawnService(env)];
    const f = await seedCallFixtures(t);
    const endpoint = (await t.post('/manager/api/v1/webhooks', { url: receiver.url }, f.company)).body;
    expect(endpoint.secret).toBeDefined();
    instances.push(...(await Promise.all(starting)));
    await Promise.all(instances.map((i) => waitHealthy(i)));

    // 16 calls at once, ten events each: with 60 ms per answer, a call's
    // deliveries take half a second at least (one at a time, in order).
    await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const call = await callIn(t, f, 'connected', { agentEmail: (await newAgent(t, f)).email });
        for (let i = 0; i < 3; i++) for (const type of ['hold', 'unhold']) expect((await postEvent(t, f, call.id, { type })).status).toBe(200);
        expect((await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' })).status).toBe(200);
      }),
    );
    const total = CALLS * EVENTS_PER_CALL;
    await waitUntil(async () => receiver.receipts.length >= total / 4 || undefined, 20_000, 'the first deliveries');
    const killedAt = Date.now();
    instances[0].child.kill('SIGKILL');
    await instances[0].exited;
    const beforeKill = new Set(receiver.receipts.filter((r) => r.receivedAt <= killedAt).map((r) => r.id)).size;
    expect(beforeKill).toBeLessThan(total); // killed in the middle of the work

    const events = await waitUntil(async () => {
      const list = await t.app.get(OutgoingEvents).readAfter(f.companyId, null, 1000);
      return list.length === total ? list : undefined;
    }, 10_000, 'the log readable');
    await waitUntil(async () => events.every((e) => receiver.acceptedIds().has(e.id)) || undefined, 30_000, 'every event accepted');
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives

    // Duplicates: only events whose first copy came on a connection of the
    // killed instance (closed by the kill), in flight there or answered but
    // not yet recorded.
    const seen = new Map<string, Receipt[]>();
    for (const r of receiver.receipts) seen.set(r.id, [...(seen.get(r.id) ?? []), r]);
    const duplicated = [...seen].filter(([, copies]) => copies.length > 1);
    for (const [id, copies] of duplicated) {
      const closed = receiver.closedAt.get(copies[0].connection) ?? Infinity;
      expect({ id, copies: copies.length, firstOnAKilledConnection: closed >= killedAt && closed <= killedAt + 2000 }).toEqual({ id, copies: 2, firstOnAKilledConnection: true });
    }
    expect(duplicated.length).toBeLessThanOrEqual(CALLS); // at most one in flight per call
    // Apart from those, delivered well: every event accepted, signed, in order.
    const problems = deliveryProblems(receiver, endpoint.secret, events, duplicated.length).filter((p) => !duplicated.some(([id]) => p.startsWith(`${id} `)));
    expect(problems).toEqual([]);
    const [{ pending }] = await t.db.query(`SELECT count(*) FILTER (WHERE status <> 'succeeded')::int AS pending FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint.id]);
    expect(pending).toBe(0);
  }, 120_000);

  it('shares the endpoints out between the instances, and each delivers its own', async () => {
    // Only the two instances started here, and only their endpoints.
    for (const i of instances.splice(0)) {
      i.child.kill('SIGKILL');
      await i.exited;
    }
    await t.db.query(`DELETE FROM webhook_endpoints`);
    const f = await seedCallFixtures(t);
    const env = { DATABASE_URL: process.env.SWITCHBOARD_TEST_DATABASE_URL, SCHEDULER_ENABLED: 'false', DB_POOL_SIZE: '4', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
    const pair = await Promise.all([spawnService(env), spawnService(env)]);
    instances.push(...pair);
    await Promise.all(pair.map((i) => waitHealthy(i)));
    const endpoints: Array<{ id: number }> = [];
    for (let i = 0; i < 4; i++) endpoints.push((await t.post('/manager/api/v1/webhooks', { url: receiver.url }, f.company)).body);
    await waitUntil(async () => {
      const rows = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = ANY($1) AND lease_until > now() GROUP BY lease_owner`,
        [endpoints.map((e) => e.id)],
      );
      return (rows.length === 2 && rows.every((row) => row.n === 2)) || undefined;
    }, 20_000, 'two endpoints for each instance');
    const before = receiver.receipts.length;
    await callIn(t, f, 'queued');
    await waitUntil(async () => receiver.receipts.length - before === 4 || undefined, 10_000, 'the event at all four endpoints');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(new Set(receiver.receipts.slice(before).map((r) => r.headers['webhook-signature'])).size).toBe(4); // one per endpoint (its own secret)
  }, 120_000);
});
