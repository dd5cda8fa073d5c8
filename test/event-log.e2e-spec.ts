// The call event log as the engine's outbox (src/events/): every change of a
// call writes one row in its transaction, with the source that caused it,
// and a company's rows are read in commit order — a reader never passes a
// position behind which a row can still appear, and never sees a row that
// was rolled back. After-commit announcements (CallChanges) follow commits.
import { CallChanges } from '../src/calls/call-changes';
import { EventLog, LoggedCallEvent } from '../src/events/event-log';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, postEvent } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';
import { until } from './support/waits';

describe('the event log as outbox', () => {
  let t: TestApp;
  let f: CallFixtures;
  let log: EventLog;
  beforeAll(async () => {
    t = await TestApp.start();
    f = await seedCallFixtures(t);
    log = t.app.get(EventLog);
  });
  afterAll(() => t.close());

  // A row of the log written by hand, on the given connection.
  const probe = (db: { query(text: string, values: unknown[]): Promise<unknown> }, callId: number, type: string) =>
    db.query(
      `INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at)
       VALUES ($1, $2, 100, $3, 'connected', 'connected', '{}', 'engine', now())`,
      [callId, f.companyId, type],
    );

  // Everything of the company readable now, page by page.
  async function readAll(companyId = f.companyId): Promise<LoggedCallEvent[]> {
    const all: LoggedCallEvent[] = [];
    for (;;) {
      const page = await log.readAfter(companyId, all.at(-1)?.position, 7);
      all.push(...page);
      if (page.length < 7) return all;
    }
  }

  it('holds one row per change of a call, creation included, with who caused it', async () => {
    const call = await callIn(t, f, 'connected');
    await postEvent(t, f, call.id, { type: 'hold' });
    const rows = (await readAll()).filter((e) => e.callId === String(call.id));
    expect(rows.map((e) => [e.seq, e.type, e.source])).toEqual([
      [1, 'created', 'client'],
      [2, 'connect', 'client'],
      [3, 'connected', 'client'],
      [4, 'hold', 'client'],
    ]);
    expect(rows.map((e) => e.toStatus)).toEqual(['assigned', 'connecting', 'connected', 'connected']);
  });

  it('never lets a reader pass a transaction still open, and shows its rows once it commits, in order', async () => {
    const slow = await callIn(t, f, 'connected');
    const fast = await callIn(t, f, 'connected');
    const before = (await readAll()).at(-1)!.position;
    // A transaction that writes a row of `slow` first and commits last.
    const open = await t.db.connection();
    await open.query('BEGIN');
    await probe(open, slow.id, 'probe');
    try {
      // Another event commits meanwhile: it is held back behind the open one.
      expect((await postEvent(t, f, fast.id, { type: 'hold' })).status).toBe(200);
      expect(await log.readAfter(f.companyId, before)).toEqual([]);
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    // Other transactions of the server (other test files) may hold readers back a moment too.
    let after: LoggedCallEvent[] = [];
    await until('both rows are readable', async () => (after = await log.readAfter(f.companyId, before)).length === 2);
    expect(after.map((e) => [e.callId, e.type])).toEqual([
      [String(slow.id), 'probe'],
      [String(fast.id), 'hold'],
    ]);
  });

  it('never shows a rolled-back row, and a page boundary loses or repeats nothing', async () => {
    const call = await callIn(t, f, 'connected');
    const open = await t.db.connection();
    await open.query('BEGIN');
    await probe(open, call.id, 'rolled_back');
    await open.query('ROLLBACK');
    open.release();
    for (let i = 0; i < 5; i++) await postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' });
    const all = await readAll();
    expect(all.some((e) => e.type === 'rolled_back')).toBe(false);
    const ids = all.map((e) => e.position.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ofCall = all.filter((e) => e.callId === String(call.id)).map((e) => e.seq);
    expect(ofCall).toEqual(ofCall.map((_, i) => i + 1));
  });

  it('reads one company only', async () => {
    const other = await seedCallFixtures(t);
    await callIn(t, other, 'queued');
    const mine = await readAll();
    const theirs = await readAll(other.companyId);
    expect(theirs.length).toBeGreaterThan(0);
    const mineIds = new Set(mine.map((e) => e.position.id));
    expect(theirs.some((e) => mineIds.has(e.position.id))).toBe(false);
  });

  it('announces committed changes after the commit, and nothing for an event refused', async () => {
    const heard: string[][] = [];
    const stop = t.app.get(CallChanges).listen((companies) => heard.push([...companies]));
    try {
      const call = await callIn(t, f, 'connected');
      heard.length = 0;
      expect((await postEvent(t, f, call.id, { type: 'hold' })).status).toBe(200);
      await until('the hold is announced', () => heard.length === 1);
      expect(heard).toEqual([[f.companyId]]);
      // Refused by the machine: nothing written, nothing announced.
      expect((await postEvent(t, f, call.id, { type: 'connect' })).status).toBe(409);
      expect(heard).toHaveLength(1);
    } finally {
      stop();
    }
  });
});
