// The live stream (GET /apps/api/v1/events/stream, Server-Sent Events) and
// the polling list (GET /apps/api/v1/events), over a real HTTP connection:
// events in commit order with the call as each left it, filters, heartbeats,
// resuming with Last-Event-ID or after= with no gap and no duplicate, and
// `event: reset` past the retention (shared spec events-api.md).
import type { AddressInfo } from 'node:net';
import { eventIdOf, OUTGOING_EVENT_TYPES } from '../src/events/outgoing-event';
import { EventFeed } from '../src/live/event-feed';
import { LIST_LIMIT_MAX } from '../src/live/event-filters';
import { LiveMessages } from '../src/live/live-errors';
import { LiveStreams } from '../src/live/live-stream';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, createCallIn, newAgent, postEvent } from './support/lifecycle-fixtures';
import { SseClient } from './support/sse-client';
import { TestApp } from './support/test-app';
import { until } from './support/waits';

const STREAM = '/apps/api/v1/events/stream';
const LIST = '/apps/api/v1/events';
const HEARTBEAT_MS = 100;

describe('the live stream and the polling list', () => {
  let t: TestApp;
  let port: number;
  const open: SseClient[] = [];
  beforeAll(async () => {
    t = await TestApp.start({ LIVE_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  async function stream(f: CallFixtures, query = '', headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(port, `${STREAM}${query}`, { authorization: f.company.auth, ...headers });
    open.push(client);
    return client;
  }

  // The id of the company's last event now (what a stream opened now starts after).
  async function lastEventId(f: CallFixtures): Promise<string | null> {
    const [row] = await t.db.query(`SELECT tx::text AS tx, id::text AS id FROM call_events WHERE company_id = $1 ORDER BY tx DESC, id DESC LIMIT 1`, [f.companyId]);
    return row ? eventIdOf(row) : null;
  }

  // Readers see the log only below the oldest transaction still running on
  // the server (any database's: other test files, other runs): wait until
  // everything written so far is readable.
  async function settled(f: CallFixtures): Promise<void> {
    const last = await lastEventId(f);
    const feed = t.app.get(EventFeed);
    await until('the log is readable up to its last event', async () => (await feed.tail(f.companyId)) === last);
  }

  const ofCall = (client: SseClient, callId: number) => client.events().filter((e) => e.data.call_id === callId);

  it('sends every event of the company in commit order: its id, type and the call as that event left it', async () => {
    const f = await seedCallFixtures(t);
    const other = await seedCallFixtures(t);
    const client = await stream(f);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');

    const before = await lastEventId(f);
    const call = await callIn(t, f, 'connected');
    await callIn(t, other, 'queued'); // another company's: never on this stream
    await postEvent(t, f, call.id, { type: 'hold' });
    await client.waitFor('four events', () => ofCall(client, call.id).length === 4);

    const events = ofCall(client, call.id);
    expect(events.map((e) => e.type)).toEqual(['call.created', 'call.connect', 'call.connected', 'call.hold']);
    expect(events.map((e) => e.data.seq)).toEqual([1, 2, 3, 4]);
    expect(events.map((e) => [e.data.previous_status, e.data.status])).toEqual([
      [null, 'assigned'],
      ['assigned', 'connecting'],
      ['connecting', 'connected'],
      ['connected', 'connected'],
    ]);
    // data.call is the call as of that event, not as of delivery.
    expect(events.map((e) => e.data.call.status)).toEqual(['assigned', 'connecting', 'connected', 'connected']);
    expect(events.map((e) => e.data.call.id)).toEqual([call.id, call.id, call.id, call.id]);
    expect(events.every((e) => e.company === f.company.key)).toBe(true);
    // The SSE fields are the event's own id and type; ids increase.
    const messages = client.messages.filter((m) => JSON.parse(m.data).data.call_id === call.id);
    expect(messages.map((m) => m.id)).toEqual(events.map((e) => e.id));
    expect(messages.map((m) => m.event)).toEqual(events.map((e) => e.type));
    expect([...events.map((e) => e.id)].sort()).toEqual(events.map((e) => e.id));
    expect(client.events().every((e) => e.company === f.company.key)).toBe(true);

    // The polling list answers the same events, byte for byte.
    expect(before).toBeNull(); // a new company: the list from its start
    const listed = await t.get(LIST, f.company);
    expect(listed.status).toBe(200);
    expect(listed.body.filter((e: any) => e.data.call_id === call.id)).toEqual(events);
  });

  it('filters by call_id, agent_email (assigned now or at the event) and types', async () => {
    const f = await seedCallFixtures(t);
    const [a, b] = [await newAgent(t, f), await newAgent(t, f)];
    const z = await createCallIn(t, f, 'queued'); // nobody's
    const before = await lastEventId(f);
    // x: queued, assigned to a, then transferred to b (assigned to b now).
    const x = await createCallIn(t, f, 'queued');
    for (const body of [{ type: 'assign', agent_email: a.email }, { type: 'connect' }, { type: 'connected' }, { type: 'transfer', to_agent_email: b.email }, { type: 'transfer_completed' }]) {
      expect((await postEvent(t, f, x.id, body)).status).toBe(200);
    }
    await postEvent(t, f, z.id, { type: 'offer', group: 'G2' });
    const last = await lastEventId(f);
    await settled(f);

    const byCall = await stream(f, `?after=${before}&call_id=${x.id}`);
    const byA = await stream(f, `?after=${before}&agent_email=${encodeURIComponent(a.email.toUpperCase())}`);
    const byB = await stream(f, `?after=${before}&agent_email=${encodeURIComponent(b.email)}`);
    const byTypes = await stream(f, `?after=${before}&types=call.transfer,%20call.offer`);
    const all = await stream(f, `?after=${before}`);
    await all.waitFor('every event', () => all.messages.at(-1)?.id === last);

    await byCall.waitFor('x', () => byCall.events().length === 6);
    expect(byCall.events().map((e) => e.type)).toEqual(['call.created', 'call.assign', 'call.connect', 'call.connected', 'call.transfer', 'call.transfer_completed']);
    await byTypes.waitFor('the transfer and the offer', () => byTypes.events().length === 2);
    expect(byTypes.events().map((e) => [e.type, e.data.call_id])).toEqual([
      ['call.transfer', x.id],
      ['call.offer', z.id],
    ]);
    // b: every event of x, its creation too (x is b's now).
    await byB.waitFor('x for b', () => byB.events().length === 6);
    // a: the events at which x was a's (not its creation: queued, and b's now).
    await byA.waitFor('x for a', () => byA.events().some((e) => e.type === 'call.transfer'));
    expect(byA.events()[0].type).toBe('call.assign');
    expect(byA.events().every((e) => e.data.call_id === x.id)).toBe(true);
    // Nothing else arrives later either (a new event of z wakes every stream).
    await postEvent(t, f, z.id, { type: 'offer', group: 'G3' });
    await byTypes.waitFor('the second offer', () => byTypes.events().length === 3);
    expect(byB.events()).toHaveLength(6);
    expect(byCall.events()).toHaveLength(6);
    expect(byA.events().every((e) => e.data.call_id === x.id)).toBe(true);
  });

  it('still delivers, by its poll, an event committed without any notification (an instance killed before its NOTIFY)', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected');
    const client = await stream(f);
    const written = Date.now();
    // Written by hand: no after-commit hook, no NOTIFY.
    await t.db.query(
      `INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at, call_view)
       SELECT call_id, company_id, 100, 'hold', 'connected', 'connected', '{}', 'client', now(), call_view FROM call_events WHERE call_id = $1 AND seq = 3`,
      [call.id],
    );
    await client.waitFor('the silent event', () => ofCall(client, call.id).some((e) => e.data.seq === 100), 3000);
    const arrived = client.messages.find((m) => JSON.parse(m.data).data.seq === 100)!.at;
    expect(arrived - written).toBeLessThan(1500); // the poll runs every second
  });

  it('refuses bad input with a 400 before the stream starts', async () => {
    const f = await seedCallFixtures(t);
    const cases: Array<[string, Record<string, string>, string]> = [
      ['?types=call.hangup,call.nope', {}, LiveMessages.typeUnknown('call.nope', OUTGOING_EVENT_TYPES)],
      ['?call_id=abc', {}, LiveMessages.callIdNotWellFormed],
      ['?call_id=0', {}, LiveMessages.callIdNotWellFormed],
      ['?call_id=1&call_id=2', {}, LiveMessages.parameterOnce('call_id')],
      ['?agent_email=nobody%40example.com', {}, LiveMessages.agentNotFound('nobody@example.com')],
      ['?after=evt_123', {}, LiveMessages.eventIdNotWellFormed('after')],
      ['', { 'last-event-id': 'evt_00000000000000000001' }, LiveMessages.eventIdNotWellFormed('Last-Event-ID')],
      ['', { 'last-event-id': 'not an id' }, LiveMessages.eventIdNotWellFormed('Last-Event-ID')],
      ['', { 'last-event-id': `evt_${'9'.repeat(40)}` }, LiveMessages.eventIdNotWellFormed('Last-Event-ID')], // beyond any position
    ];
    for (const [query, headers, message] of cases) {
      const client = await stream(f, query, headers);
      expect([query, headers, client.status, client.json]).toEqual([query, headers, 400, { error: expect.any(String), status: expect.any(Number), message }]);
    }
    const anonymous = await SseClient.open(port, STREAM);
    expect(anonymous.status).toBe(401);
  });

  it('sends a `: ping` comment every LIVE_HEARTBEAT_MS', async () => {
    const f = await seedCallFixtures(t);
    const client = await stream(f);
    await client.waitFor('three pings', () => client.comments.filter((c) => c.text === 'ping').length >= 3, 3000);
    const pings = client.comments.filter((c) => c.text === 'ping').map((c) => c.at);
    const gaps = pings.slice(1).map((at, i) => at - pings[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(HEARTBEAT_MS / 2 - 10);
    // A client that goes away leaves nothing behind on the server.
    const live = t.app.get(LiveStreams);
    expect(live.openStreams).toBe(1);
    await client.close();
    await until('the stream is gone', () => live.openStreams === 0);
  });

  it('resumes with Last-Event-ID after a disconnect, with no gap and no duplicate, while events keep coming', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected');
    const first = await stream(f);
    let posted = 0;
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        expect((await postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' })).status).toBe(200);
        posted += 1;
      }
    })();
    await first.waitFor('some events', () => ofCall(first, call.id).length >= 15);
    await first.close();
    const seen = first.messages.map((m) => m.id!);
    const second = await stream(f, '', { 'last-event-id': seen.at(-1)! });
    expect(posted).toBeLessThan(60); // still writing: the resume happens under way
    await writer;
    await second.waitFor('the last event', () => ofCall(second, call.id).some((e) => e.data.seq === 63));

    const seqs = [...ofCall(first, call.id), ...ofCall(second, call.id)].map((e) => e.data.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    expect(seqs.at(-1)).toBe(63);
    const ids = [...first.messages, ...second.messages].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes after= too; Last-Event-ID wins over after= (a browser reconnects to the same URL)', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected'); // seq 1..3
    for (let i = 0; i < 4; i++) await postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' }); // seq 4..7
    await settled(f);
    const listed = (await t.get(`${LIST}?limit=1000`, f.company)).body.filter((e: any) => e.data.call_id === call.id);
    expect(listed.map((e: any) => e.data.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const after = await stream(f, `?after=${listed[1].id}`);
    await after.waitFor('seq 3 to 7', () => after.events().length === 5);
    expect(after.events().map((e) => e.data.seq)).toEqual([3, 4, 5, 6, 7]);

    const both = await stream(f, `?after=${listed[1].id}`, { 'last-event-id': listed[4].id });
    await both.waitFor('seq 6 and 7', () => both.events().length === 2);
    expect(both.events().map((e) => e.data.seq)).toEqual([6, 7]);
    expect(both.messages.some((m) => m.event === 'reset')).toBe(false);
  });

  it('answers `event: reset` past the retention (or for an unknown id) and continues live', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected'); // seq 1..3
    const [firstRow] = await t.db.query(`SELECT tx::text AS tx, id::text AS id FROM call_events WHERE call_id = $1 AND seq = 1`, [call.id]);
    await t.db.query(`UPDATE call_events SET created_at = created_at - interval '25 hours' WHERE call_id = $1`, [call.id]);

    const unknownId = eventIdOf({ tx: '1', id: '1' });
    for (const id of [eventIdOf(firstRow), unknownId]) {
      await settled(f);
      const tail = await lastEventId(f);
      const client = await stream(f, '', { 'last-event-id': id });
      expect(client.status).toBe(200);
      await client.waitFor('the reset', () => client.messages.length === 1);
      expect(client.messages[0]).toMatchObject({ event: 'reset', id: tail });
      expect(JSON.parse(client.messages[0].data).message).toMatch(/no longer kept/);
      // Live from there on.
      await postEvent(t, f, call.id, { type: 'hold' });
      await client.waitFor('the hold', () => client.events().length === 1);
      expect(client.events()[0].type).toBe('call.hold');
      await postEvent(t, f, call.id, { type: 'unhold' });
    }
    // The list: 410 with a message, 404 for an unknown id.
    const gone = await t.get(`${LIST}?after=${eventIdOf(firstRow)}`, f.company);
    expect(gone).toMatchObject({ status: 410, body: { error: expect.any(String), status: expect.any(Number), message: LiveMessages.pastRetention(eventIdOf(firstRow), 24) } });
    const unknown = await t.get(`${LIST}?after=${unknownId}`, f.company);
    expect(unknown).toMatchObject({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: LiveMessages.eventNotFound(unknownId) } });
  });

  it('never sends an event whose payload retention emptied: the stream resets there', async () => {
    const f = await seedCallFixtures(t);
    const call = await callIn(t, f, 'connected'); // seq 1..3
    for (let i = 0; i < 2; i++) await postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' }); // seq 4, 5
    const rows = await t.db.query(`SELECT seq, tx::text AS tx, id::text AS id FROM call_events WHERE call_id = $1 ORDER BY seq`, [call.id]);
    await t.db.query(`UPDATE call_events SET call_view = NULL WHERE call_id = $1 AND seq = 4`, [call.id]);
    await settled(f);
    const client = await stream(f, `?after=${eventIdOf(rows[0])}`);
    await client.waitFor('seq 2, 3 and the reset', () => client.messages.length === 3);
    expect(client.messages.map((m) => m.event)).toEqual(['call.connect', 'call.connected', 'reset']);
    expect(client.messages[2].id).toBe(eventIdOf(rows[4]));
    expect(client.events().every((e) => e.data.call !== null)).toBe(true);
    // The list stops before it, then answers 410.
    const page = await t.get(`${LIST}?after=${eventIdOf(rows[0])}`, f.company);
    expect(page.body.map((e: any) => e.data.seq)).toEqual([2, 3]);
    expect((await t.get(`${LIST}?after=${eventIdOf(rows[2])}`, f.company)).status).toBe(410);
  });

  describe('the polling list', () => {
    it('bounds limit to 1..1000 (default 100) and refuses a malformed after', async () => {
      const f = await seedCallFixtures(t);
      for (const limit of ['0', '1001', 'abc', '1.5', '-1', '']) {
        if (limit === '') continue;
        const response = await t.get(`${LIST}?limit=${limit}`, f.company);
        expect([limit, response.status, response.body]).toEqual([limit, 400, { error: expect.any(String), status: expect.any(Number), message: LiveMessages.limitOutOfRange(LIST_LIMIT_MAX) }]);
      }
      expect(await t.get(`${LIST}?after=evt_1`, f.company)).toMatchObject({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: LiveMessages.eventIdNotWellFormed('after') } });
      expect((await t.get(LIST)).status).toBe(401);

      const call = await callIn(t, f, 'connected');
      for (let i = 0; i < 102; i++) await postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' }); // 105 events
      await settled(f);
      const page = await t.get(LIST, f.company);
      expect(page.status).toBe(200);
      expect(page.body).toHaveLength(100);
      expect(page.body.map((e: any) => e.data.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const rest = await t.get(`${LIST}?after=${page.body[99].id}&limit=1000`, f.company);
      expect(rest.body.map((e: any) => e.data.seq)).toEqual([101, 102, 103, 104, 105]);
      const one = await t.get(`${LIST}?after=${page.body[9].id}&limit=1`, f.company);
      expect(one.body.map((e: any) => e.data.seq)).toEqual([11]);
      expect((await t.get(`${LIST}?after=${rest.body[4].id}`, f.company)).body).toEqual([]);
    });
  });
});
