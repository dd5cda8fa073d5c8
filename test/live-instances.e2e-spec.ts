// The live stream across instances: two services (separate processes) on
// one database. An event committed on one reaches a stream on the other
// within a second (LISTEN/NOTIFY, with a poll behind it), and a client that
// reconnects to the other instance with Last-Event-ID misses and repeats
// nothing (shared spec events-api.md, "The live stream").
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn } from './support/lifecycle-fixtures';
import { spawnService, SpawnedService, waitHealthy } from './support/spawned-service';
import { SseClient } from './support/sse-client';
import { TestApp } from './support/test-app';

const STREAM = '/apps/api/v1/events/stream';

describe('the live stream across instances', () => {
  let t: TestApp;
  let a: SpawnedService;
  let b: SpawnedService;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    const env = { DATABASE_URL: process.env.SWITCHBOARD_TEST_DATABASE_URL, DB_POOL_SIZE: '4', SCHEDULER_ENABLED: 'false', WEBHOOKS_ENABLED: 'false' };
    [a, b] = await Promise.all([spawnService(env), spawnService(env)]);
    await Promise.all([waitHealthy(a), waitHealthy(b)]);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    for (const s of [a, b]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    await Promise.all([a?.exited, b?.exited]);
    await t.close();
  });

  async function stream(on: SpawnedService, f: CallFixtures, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(on.port, STREAM, { authorization: f.company.auth, ...headers });
    expect(client.status).toBe(200);
    open.push(client);
    return client;
  }

  async function post(on: SpawnedService, f: CallFixtures, callId: number, body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${on.port}/apps/api/v1/calls/${callId}/events`, {
      method: 'POST',
      headers: { authorization: f.company.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  const seqsOf = (client: SseClient, callId: number): number[] => client.events().filter((e) => e.data.call_id === callId).map((e) => e.data.seq);

  it('delivers an event committed on instance A to a stream on instance B within 1 s', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected'); // seq 1..3
    const onB = await stream(b, f);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const sent = Date.now();
      await post(a, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' });
      const seq = 4 + i;
      await onB.waitFor(`seq ${seq} on B`, () => seqsOf(onB, call.id).includes(seq), 5000);
      const arrived = onB.messages.find((m) => JSON.parse(m.data).data.seq === seq)!.at;
      latencies.push(arrived - sent);
    }
    // From before the request to A until the event is on B's stream.
    if (process.env.LIVE_TEST_VERBOSE) console.log(`A → B latencies (ms): ${latencies.join(', ')}`);
    expect(latencies.filter((ms) => ms >= 1000)).toEqual([]);
    expect(seqsOf(onB, call.id)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('resumes on instance B after a disconnect from A with no gap and no duplicate, while events keep coming', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected'); // seq 1..3
    const onA = await stream(a, f);
    let posted = 0;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await post(i % 2 === 0 ? a : b, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' });
        posted += 1;
      }
    })();
    await onA.waitFor('some events on A', () => seqsOf(onA, call.id).length >= 10);
    await onA.close();
    const onB = await stream(b, f, { 'last-event-id': onA.messages.at(-1)!.id! });
    expect(posted).toBeLessThan(40); // the resume happens while events keep coming
    await writer;
    await onB.waitFor('the last event on B', () => seqsOf(onB, call.id).includes(43));

    const seqs = [...seqsOf(onA, call.id), ...seqsOf(onB, call.id)];
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => 4 + i));
    const ids = [...onA.messages, ...onB.messages].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ends its streams and exits promptly on SIGTERM (the client may resume elsewhere)', async () => {
    const f = await seedCallFixtures(t);
    const onA = await stream(a, f);
    const started = Date.now();
    a.child.kill('SIGTERM');
    await onA.waitFor('the stream to end', () => onA.ended, 10_000);
    expect(await a.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
