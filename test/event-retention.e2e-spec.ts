// Retention of outgoing events (src/events/event-retention.ts): the payload
// (call_events.call_view) of events older than EVENT_RETENTION_HOURS is
// emptied in batches, without ever waiting for a writer; rows with a dedupe
// key keep theirs, the log rows themselves stay; readers past the horizon
// are told (the list's 410), never handed an event without its call.
import { EventRetention } from '../src/events/event-retention';
import { eventIdOf } from '../src/events/outgoing-event';
import { LiveMessages } from '../src/live/live-errors';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, eventsUrl, postEvent } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';
import { until } from './support/waits';

describe('retention of outgoing events', () => {
  let t: TestApp;
  let f: CallFixtures;
  let retention: EventRetention;
  let old1: any, old2: any, young: any;
  let keyedAnswer: unknown;
  const rowsOf = (callId: number) =>
    t.db.query<{ id: string; seq: number; kept: boolean; event_id: string | null; tx: string }>(
      `SELECT id::text AS id, tx::text AS tx, seq, call_view IS NOT NULL AS kept, event_id FROM call_events WHERE call_id = $1 ORDER BY seq`,
      [callId],
    );
  const sweptTo = async () => String((await t.db.query(`SELECT swept_to FROM event_retention`))[0].swept_to);

  // This file's database starts without events: the old rows come first by
  // id, as they do in life (ids and creation times grow together).
  beforeAll(async () => {
    t = await TestApp.start();
    f = await seedCallFixtures(t);
    retention = t.app.get(EventRetention);
    old1 = await callIn(t, f, 'connected'); // seq 1..3
    const keyed = await postEvent(t, f, old1.id, { type: 'hold', event_id: 'retention-key-1' }); // seq 4, with a dedupe key
    expect(keyed.status).toBe(200);
    keyedAnswer = keyed.body;
    old2 = await callIn(t, f, 'queued'); // seq 1
    await t.db.query(`UPDATE call_events SET created_at = created_at - interval '25 hours'`);
    young = await callIn(t, f, 'connected'); // seq 1..3, now
  });
  afterAll(() => t.close());

  it('never waits for a lock: a row another transaction holds is left for a later sweep, and writes go on', async () => {
    const [o2] = await rowsOf(old2.id);
    const [y1] = await rowsOf(young.id);
    const holder = await t.db.connection();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM call_events WHERE id = ANY($1::bigint[]) FOR UPDATE`, [[o2.id, y1.id]]);
      const started = Date.now();
      const [result, write] = await Promise.all([retention.sweep(2), postEvent(t, f, young.id, { type: 'hold' })]);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(write.status).toBe(200);
      // Batches of 2: old1's seq 1-2, then seq 3 (seq 4 keeps its answer), then the held row stops it.
      expect(result).toEqual({ emptied: 3, batches: 3 });
      expect((await rowsOf(old1.id)).map((r) => r.kept)).toEqual([false, false, false, true]);
      expect((await rowsOf(old2.id)).map((r) => r.kept)).toEqual([true]);
      expect(BigInt(await sweptTo())).toBeLessThan(BigInt(o2.id));
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
  });

  it('empties the rest once released, keeps keyed and young payloads and every log row', async () => {
    const result = await retention.sweep(2);
    expect(result).toEqual({ emptied: 1, batches: 1 });
    const [o2] = await rowsOf(old2.id);
    expect(o2.kept).toBe(false);
    expect(await sweptTo()).toBe(o2.id);
    expect((await rowsOf(young.id)).every((r) => r.kept)).toBe(true);
    expect(await retention.sweep()).toEqual({ emptied: 0, batches: 1 });

    // The call's history is whole, and the dedupe key still answers what it answered.
    const history = await t.get(eventsUrl(old1.id), f.company);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('hold');
    const replay = await postEvent(t, f, old1.id, { type: 'hold', event_id: 'retention-key-1' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(keyedAnswer);
  });

  it('the list starts at the oldest event kept, and answers 410 for a cursor past the retention', async () => {
    // Readers see the log below the oldest transaction running on the server (other test files'): wait for the last row.
    const last = (await rowsOf(young.id)).at(-1)!;
    await until('the log is readable', async () => (await t.get('/apps/api/v1/events', f.company)).body.at(-1)?.id === eventIdOf(last));
    const page = await t.get('/apps/api/v1/events', f.company);
    expect(page.status).toBe(200);
    expect(page.body[0].data).toMatchObject({ call_id: young.id, seq: 1 });
    expect(page.body.every((e: any) => e.data.call_id === young.id && e.data.call !== null)).toBe(true);

    const [first] = await rowsOf(old1.id);
    const gone = await t.get(`/apps/api/v1/events?after=${eventIdOf(first)}`, f.company);
    expect(gone).toMatchObject({ status: 410, body: { error: expect.any(String), status: expect.any(Number), message: LiveMessages.pastRetention(eventIdOf(first), 24) } });
  });
});
