// "The log is the truth" (shared spec lifecycle.md): for every call in this
// file's database, replaying its event log through the machine and the
// reducer (call-projection.ts replay()) gives the stored row, column by column.
import { CALL_STATUSES, CallStatus } from '../src/calls/lifecycle/machine/call.machine';
import { lifecyclePaths } from './support/lifecycle-paths';
import { seedCallFixtures } from './support/call-fixtures';
import { ROUTES, callIn, drivePath, postEvent, storedAndReplayed } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';

describe('replaying the event log gives the call row', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();

    // Every path of the machine, each in its own company.
    for (const path of lifecyclePaths()) await drivePath(t, await seedCallFixtures(t), path);

    const f = await seedCallFixtures(t);
    // A call resting in each status a client can reach.
    for (const status of Object.keys(ROUTES) as CallStatus[]) await callIn(t, f, status);
    // Calls stopped half-way, with a hold or a transfer still open.
    const onHold = await callIn(t, f, 'connected');
    await postEvent(t, f, onHold.id, { type: 'hold' });
    const transferring = await callIn(t, f, 'connected');
    await postEvent(t, f, transferring.id, { type: 'transfer', to_menu_id: f.menus.ivrLeaf });
    const declined = await callIn(t, f, 'queued');
    for (const body of [{ type: 'offer', group: 'G2' }, { type: 'assign', agent_email: f.agents.other.email }, { type: 'decline' }, { type: 'offer', group: 'G3' }]) {
      await postEvent(t, f, declined.id, body);
    }
    // A call that held twice, transferred to an agent and hung up on hold.
    const busy = await callIn(t, f, 'connected');
    for (const body of [
      { type: 'hold' },
      { type: 'unhold' },
      { type: 'hold' },
      { type: 'unhold' },
      { type: 'transfer', to_agent_email: f.agents.other.email },
      { type: 'transfer_completed' },
      { type: 'hold' },
      { type: 'hangup', disconnected_by: 'disconnected_by_system' },
    ]) {
      await postEvent(t, f, busy.id, body);
    }
    // The results of concurrent events.
    for (let round = 0; round < 3; round++) {
      const call = await callIn(t, f, 'connected');
      await Promise.all(Array.from({ length: 30 }, (_, i) => postEvent(t, f, call.id, [{ type: 'hold' }, { type: 'transfer', to_menu_id: f.menus.mobile }, { type: 'hangup' }][i % 3])));
      const queued = await callIn(t, f, 'queued');
      await Promise.all(Array.from({ length: 20 }, (_, i) => postEvent(t, f, queued.id, i % 2 ? { type: 'offer', group: 'G9', event_id: `o-${round}` } : { type: 'offer', group: 'G8' })));
    }
  });
  afterAll(() => t.close());

  it('holds for every call in the database', async () => {
    const calls: Array<{ id: string; status: string }> = await t.db.query(`SELECT id, status FROM calls ORDER BY id`);
    expect(calls.length).toBeGreaterThan(lifecyclePaths().length + 10);
    // A variety: every status of the machine is among them.
    expect(new Set(calls.map((c) => c.status))).toEqual(new Set(CALL_STATUSES));
    const mismatches: unknown[] = [];
    for (const { id } of calls) {
      try {
        const { stored, replayed } = await storedAndReplayed(t, id);
        if (JSON.stringify(replayed) !== JSON.stringify(stored)) mismatches.push({ id, stored, replayed });
      } catch (error) {
        mismatches.push({ id, error: String(error) });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('never has timestamps going backwards (to the millisecond the API answers)', async () => {
    const backwards = await t.db.query(
      `SELECT id, created_at, queued_at, assigned_at, connected_at, ends_at FROM (
         SELECT c.*, array_remove(ARRAY[date_trunc('milliseconds', created_at), date_trunc('milliseconds', queued_at), date_trunc('milliseconds', assigned_at),
                                        date_trunc('milliseconds', connected_at), date_trunc('milliseconds', ends_at)], NULL) AS stamps FROM calls c) x
        WHERE stamps <> array(SELECT s FROM unnest(stamps) s ORDER BY s)`,
    );
    expect(backwards).toEqual([]);
    const logBackwards = await t.db.query(
      `SELECT a.call_id, a.seq FROM call_events a JOIN call_events b ON b.call_id = a.call_id AND b.seq = a.seq + 1
        WHERE date_trunc('milliseconds', b.created_at) < date_trunc('milliseconds', a.created_at)`,
    );
    expect(logBackwards).toEqual([]);
  });

  it('compares every column the reducer projects', async () => {
    const [{ id }] = await t.db.query(`SELECT id FROM calls WHERE status = 'finished' ORDER BY id LIMIT 1`);
    const { stored } = await storedAndReplayed(t, id);
    expect(Object.keys(stored)).toEqual(
      expect.arrayContaining([
        'status', 'queued_at', 'assigned_at', 'connected_at', 'ends_at', 'agent_id', 'menu_id', 'hold_ms', 'hold_started_at', 'voip_provider',
        'fail_reason', 'fail_details', 'disconnected_by', 'deflection', 'deflection_details', 'voicemail_reason', 'recording_url', 'offers', 'open_transfer',
      ]),
    );
  });

  it('numbers every log from 1 with no gap, the row counting its last event', async () => {
    const gaps = await t.db.query(
      `SELECT c.id, c.last_seq, array_agg(e.seq ORDER BY e.seq) AS seqs
         FROM calls c JOIN call_events e ON e.call_id = c.id
        GROUP BY c.id, c.last_seq
       HAVING array_agg(e.seq ORDER BY e.seq) <> array(SELECT generate_series(1, c.last_seq))`,
    );
    expect(gaps).toEqual([]);
    const firsts = await t.db.query(`SELECT e.type, e.from_status, count(*)::int AS n FROM call_events e WHERE e.seq = 1 GROUP BY 1, 2`);
    expect(firsts).toEqual([{ type: 'created', from_status: null, n: expect.any(Number) }]);
  });

  it('detects a row that drifted from its log', async () => {
    const [{ id }] = await t.db.query(`SELECT id FROM calls WHERE status = 'finished' ORDER BY id LIMIT 1`);
    await t.db.query(`UPDATE calls SET hold_ms = hold_ms + 1000 WHERE id = $1`, [id]);
    try {
      const { stored, replayed } = await storedAndReplayed(t, id);
      expect(replayed).not.toEqual(stored);
    } finally {
      await t.db.query(`UPDATE calls SET hold_ms = hold_ms - 1000 WHERE id = $1`, [id]);
    }
  });
});
