// Events that queue behind each other for one call share one transaction
// (CallLifecycle.applyTogether): one lock, one COMMIT, and still each
// event refused or applied on its own, with its own log row and answer. The
// queue is made deterministic by holding the call's row lock from the test:
// the first event waits for it in the database, the others queue behind it
// in the service, in the order they were sent. Events of different calls
// share transactions too while every group is busy.
import { LifecycleMessages as M } from '../src/calls/lifecycle/lifecycle-errors';
import { CallLifecycle } from '../src/calls/lifecycle/call-lifecycle.service';
import { GROUPS_AT_ONCE } from '../src/calls/lifecycle/event-coalescer';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { callIn, freeAgent, newAgent, postEvent, storedAndReplayed } from './support/lifecycle-fixtures';
import { refuseLogRows } from './support/refused-events';
import { TestApp, TestResponse } from './support/test-app';
import { lockWaits, until } from './support/waits';

describe('events queued for one call', () => {
  let t: TestApp;
  let f: CallFixtures;
  beforeAll(async () => {
    t = await TestApp.start();
    f = await seedCallFixtures(t);
  });
  afterAll(() => t.close());

  // Holds row locks (FOR UPDATE) from the test until `release`.
  async function holdLocks(table: 'calls' | 'agents', ids: number[]): Promise<{ release: () => Promise<void> }> {
    const blocker = await t.db.connection();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM ${table} WHERE id = ANY($1::bigint[]) FOR UPDATE`, [ids]);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await blocker.query('COMMIT');
        blocker.release();
      },
    };
  }

  // Sends the bodies one after another (each once the previous one has
  // reached the call's queue, so they queue in this order) while the test
  // holds the call's row lock, then releases it; answers the responses in
  // the same order.
  async function queued(callId: number, bodies: Array<Record<string, unknown>>): Promise<TestResponse[]> {
    const lifecycle = t.app.get(CallLifecycle);
    const lock = await holdLocks('calls', [callId]);
    const answers: Array<Promise<TestResponse>> = [];
    try {
      for (const body of bodies) {
        answers.push(postEvent(t, f, callId, body));
        await until(`${body.type} reached the call's queue`, () => lifecycle.eventsPending(f.companyId, String(callId)) >= answers.length);
      }
    } finally {
      await lock.release();
    }
    return Promise.all(answers);
  }

  async function log(callId: number): Promise<Array<{ seq: number; type: string; created_at: Date; xmin: string }>> {
    return t.db.query(`SELECT seq, type, created_at, xmin::text AS xmin FROM call_events WHERE call_id = $1 ORDER BY seq`, [callId]);
  }

  it('applies or refuses each event in order, in one transaction, with its own answer and log row', async () => {
    const call = await callIn(t, f, 'connected');
    const bodies = [
      { type: 'hold' }, // waits for the test's lock, alone
      { type: 'unhold' }, // these queue behind it and share one transaction
      { type: 'hold' },
      { type: 'hold' }, // refused: on hold already
      { type: 'unhold' },
      { type: 'hangup', disconnected_by: 'disconnected_by_agent' },
      { type: 'hold' }, // refused: finished
    ];
    const answers = await queued(call.id, bodies);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 409, 200, 200, 409]);
    expect(answers[3].body.message).toBe(M.notAllowed('hold', 'connected'));
    expect(answers[6].body.message).toBe(M.notAllowed('hold', 'finished'));
    // Each answer is the call as its own event left it, not as the batch did.
    expect(answers.slice(0, 5).filter((a) => a.status === 200).map((a) => a.body.status)).toEqual(['connected', 'connected', 'connected', 'connected']);
    expect(answers[5].body.status).toBe('finished');
    expect(answers[5].body.participants.every((p: { status: string }) => p.status === 'finished')).toBe(true);

    const rows = await log(call.id);
    expect(rows.map((r) => r.type)).toEqual(['created', 'connect', 'connected', 'hold', 'unhold', 'hold', 'unhold', 'hangup']);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The queued events committed together: one transaction wrote their rows.
    expect(new Set(rows.slice(4).map((r) => r.xmin)).size).toBe(1);
    expect(rows[3].xmin).not.toBe(rows[4].xmin);
    // Time never goes backwards along the log.
    for (let i = 1; i < rows.length; i++) expect(rows[i].created_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].created_at.getTime());

    // The row is the projection of its log, and the holds add up.
    const { stored, replayed } = await storedAndReplayed(t, call.id);
    expect(replayed).toEqual(stored);
    const at = (i: number) => rows[i].created_at.getTime();
    expect(Number(stored.hold_ms)).toBe(at(4) - at(3) + (at(6) - at(5)));
    const [agent] = await t.db.query(`SELECT status FROM agents WHERE id = $1`, [call.agent_info.id]);
    expect(agent.status).toBe('available');
  });

  it('runs an event that looks up another row on its own; events with an event_id share the batch', async () => {
    const call = await callIn(t, f, 'queued');
    const agent = await freeAgent(t, f);
    const answers = await queued(call.id, [
      { type: 'assign', agent_email: agent.email },
      { type: 'connect' },
      { type: 'connected', event_id: 'evt-connected' },
      { type: 'hold' },
      { type: 'unhold' },
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const rows = await log(call.id);
    expect(rows.map((r) => r.type)).toEqual(['created', 'assign', 'connect', 'connected', 'hold', 'unhold']);
    // assign alone (it locks the agent), then connect, connected (with its
    // event id), hold and unhold together.
    const xmins = rows.slice(1).map((r) => r.xmin);
    expect(new Set(xmins).size).toBe(2);
    expect(new Set(xmins.slice(1)).size).toBe(1);
    const replay = await postEvent(t, f, call.id, { type: 'connected', event_id: 'evt-connected' });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The first answer again, byte for byte: the call as that event left it.
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(answers[2].body));
    const { stored, replayed } = await storedAndReplayed(t, call.id);
    expect(replayed).toEqual(stored);
    await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
  });

  it('answers an event_id sent twice in one batch once: one log row, the second a replay of the first', async () => {
    const call = await callIn(t, f, 'connected');
    const answers = await queued(call.id, [
      { type: 'hold', event_id: 'evt-hold' },
      { type: 'hold', event_id: 'evt-hold' },
      { type: 'unhold' },
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[1].headers['idempotent-replayed']).toBe('true');
    expect(answers[0].headers['idempotent-replayed']).toBeUndefined();
    expect(answers[1].body).toEqual(answers[0].body);
    const rows = await log(call.id);
    expect(rows.slice(-2).map((r) => r.type)).toEqual(['hold', 'unhold']);
    expect(rows.filter((r) => r.type === 'hold')).toHaveLength(1);
    const { stored, replayed } = await storedAndReplayed(t, call.id);
    expect(replayed).toEqual(stored);
    await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
  });

  it('rolls back a batch the database refuses and applies its events one by one, each once', async () => {
    const call = await callIn(t, f, 'connected');
    // The database refuses this call's unhold (a test-only trigger): the
    // batch fails as a whole, then each event is applied alone.
    const allow = await refuseLogRows(t.db, 'refuse_unhold', 'unhold', call.id);
    try {
      const answers = await queued(call.id, [
        { type: 'hold' },
        { type: 'unhold' }, // fails in the database: 500, nothing written
        { type: 'hold' }, // refused alone: still on hold
        { type: 'hangup', disconnected_by: 'disconnected_by_agent' },
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 500, 409, 200]);
      const rows = await log(call.id);
      expect(rows.map((r) => r.type)).toEqual(['created', 'connect', 'connected', 'hold', 'hangup']);
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
      expect(stored.status).toBe('finished');
    } finally {
      await allow();
    }
  });

  it('a flood of events on one call waits in the service, not on the row lock with the pool', async () => {
    const call = await callIn(t, f, 'connected');
    let flooding = true;
    const flood = Promise.all(Array.from({ length: 60 }, (_, i) => postEvent(t, f, call.id, { type: i % 2 === 0 ? 'hold' : 'unhold' }))).finally(() => (flooding = false));
    // While it lasts, no connection of the app's pool waits for a lock.
    let maxLockWaits = 0;
    let samples = 0;
    while (flooding) {
      maxLockWaits = Math.max(maxLockWaits, await lockWaits(t.db));
      samples += 1;
    }
    expect(samples).toBeGreaterThan(0);
    expect(maxLockWaits).toBe(0);
    const answers = await flood;
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const applied = answers.filter((a) => a.status === 200).length;
    expect(applied).toBeGreaterThan(0);
    const rows = await log(call.id);
    expect(rows).toHaveLength(3 + applied);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const { stored, replayed } = await storedAndReplayed(t, call.id);
    expect(replayed).toEqual(stored);
    await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
  });

  it('applies events of different calls in one transaction while every group is busy', async () => {
    const lifecycle = t.app.get(CallLifecycle);
    // Each busy group hangs up a call whose agent the test holds: the
    // agent's release waits for the test's lock, and so does the group.
    const busy = [];
    for (let i = 0; i < GROUPS_AT_ONCE; i++) busy.push(await callIn(t, f, 'connected', { agentEmail: (await newAgent(t, f)).email }));
    const waiting = [await callIn(t, f, 'connected'), await callIn(t, f, 'connected'), await callIn(t, f, 'connected')];
    const agents = await holdLocks('agents', busy.map((call) => call.agent_info.id));
    let hangups: Array<Promise<TestResponse>> = [];
    let holds: Array<Promise<TestResponse>> = [];
    try {
      hangups = busy.map((call) => postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' }));
      await until('every group waits for a lock', async () => (await lockWaits(t.db)) === GROUPS_AT_ONCE);
      holds = waiting.map((call) => postEvent(t, f, call.id, { type: 'hold' }));
      await until('the holds wait for a group', () => lifecycle.callsWaitingForAGroup() === waiting.length);
    } finally {
      await agents.release();
    }
    expect((await Promise.all(hangups)).map((a) => [a.status, a.body.status])).toEqual(busy.map(() => [200, 'finished']));
    const answers = await Promise.all(holds);
    expect(answers.map((a) => [a.status, a.body.id, a.body.status])).toEqual(waiting.map((call) => [200, call.id, 'connected']));
    // Each answer is its own call's view.
    for (const answer of answers) expect(new Set(answer.body.participants.map((p: { call_id: number }) => p.call_id))).toEqual(new Set([answer.body.id]));

    // The three holds committed together, apart from the hangups.
    const logged = await t.db.query(
      `SELECT call_id::int AS call_id, type, seq, xmin::text AS xmin FROM call_events WHERE call_id = ANY($1::bigint[]) AND type IN ('hold', 'hangup') ORDER BY call_id`,
      [[...busy, ...waiting].map((call) => call.id)],
    );
    const holdXmins = new Set(logged.filter((r: { type: string }) => r.type === 'hold').map((r: { xmin: string }) => r.xmin));
    expect(logged.filter((r: { type: string }) => r.type === 'hold')).toHaveLength(3);
    expect(holdXmins.size).toBe(1);
    for (const row of logged.filter((r: { type: string }) => r.type === 'hangup')) expect(holdXmins.has(row.xmin)).toBe(false);
    for (const call of [...busy, ...waiting]) {
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
    }
    for (const call of waiting) await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
  });

  it('leaves a call whose row lock is held elsewhere out of the groups: it waits alone, the others go on', async () => {
    const lifecycle = t.app.get(CallLifecycle);
    const locked = [];
    for (let i = 0; i < GROUPS_AT_ONCE; i++) locked.push(await callIn(t, f, 'connected'));
    const free = await callIn(t, f, 'connected');
    const calls = await holdLocks('calls', locked.map((call) => call.id));
    let blocked: Array<Promise<TestResponse>> = [];
    try {
      blocked = locked.map((call) => postEvent(t, f, call.id, { type: 'hold' }));
      await until('the locked calls\' events wait for the lock', async () => (await lockWaits(t.db)) === GROUPS_AT_ONCE);
      // Were the groups waiting on those locks, this event could not be applied.
      const answer = await postEvent(t, f, free.id, { type: 'hold' });
      expect([answer.status, answer.body.status]).toEqual([200, 'connected']);
      expect(locked.map((call) => lifecycle.eventsPending(f.companyId, String(call.id)))).toEqual(locked.map(() => 1));
    } finally {
      await calls.release();
    }
    expect((await Promise.all(blocked)).map((a) => a.status)).toEqual(locked.map(() => 200));
    for (const call of [...locked, free]) {
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
      expect(stored.hold_started_at).not.toBeNull();
      await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
    }
  });
});
