import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Queryable } from '../src/database/database';
import { seedCallFixtures, CallFixtures } from './support/call-fixtures';
import { spawnService, SpawnedService, waitHealthy, waitUntil } from './support/spawned-service';
import { refuseLogRows } from './support/refused-events';
import { insertScheduledCalls } from './support/scheduled-calls';
import { TestApp } from './support/test-app';

// For every call of the company: how many `dispatch` events it has.
async function dispatchCounts(db: Queryable, companyId: string): Promise<{ calls: number; scheduled: number; dispatchedOnce: number; dispatchedTwice: number }> {
  const [row] = await db.query(
    `SELECT count(*)::int AS calls,
            count(*) FILTER (WHERE c.status = 'scheduled')::int AS scheduled,
            count(*) FILTER (WHERE d.n = 1)::int AS "dispatchedOnce",
            count(*) FILTER (WHERE d.n > 1)::int AS "dispatchedTwice"
       FROM calls c
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM call_events e WHERE e.call_id = c.id AND e.type = 'dispatch') d ON true
      WHERE c.company_id = $1`,
    [companyId],
  );
  return row;
}

describe('scheduled calls', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  describe('the dispatcher, with three instances against one database', () => {
    const instances: SpawnedService[] = [];
    afterAll(async () => {
      for (const i of instances) i.child.kill('SIGKILL');
      await Promise.all(instances.map((i) => i.exited));
    });

    it('dispatches 1,000 calls due within seconds exactly once, also when one instance is killed mid-run', async () => {
      const f = await seedCallFixtures(t);
      const env = { DATABASE_URL: process.env.SWITCHBOARD_TEST_DATABASE_URL, SCHEDULER_TICK_MS: '200', SCHEDULER_BATCH_SIZE: '25', DB_POOL_SIZE: '4' };
      for (let i = 0; i < 3; i++) instances.push(await spawnService(env));
      await Promise.all(instances.map((i) => waitHealthy(i)));

      // Due over the next three seconds, by the database's clock.
      await insertScheduledCalls(t.db, f.companyId, f.menus.web, 1000, `now() + make_interval(secs => 0.5 + (i % 300) / 100.0)`);
      // Kill one instance once the run is under way (SIGKILL: no goodbye;
      // whatever it had claimed returns to the pool with its transaction).
      await waitUntil(async () => (await dispatchCounts(t.db, f.companyId)).dispatchedOnce > 150, 30_000, 'the first dispatches');
      instances[0].child.kill('SIGKILL');

      const done = await waitUntil(async () => {
        const counts = await dispatchCounts(t.db, f.companyId);
        return counts.scheduled === 0 ? counts : undefined;
      }, 60_000, 'every call dispatched');
      expect(done).toEqual({ calls: 1000, scheduled: 0, dispatchedOnce: 1000, dispatchedTwice: 0 });

      // On time: queued within a tick and a second (here generously 3 s) of scheduled_at.
      const [lag] = await t.db.query(
        `SELECT max(extract(epoch FROM queued_at - scheduled_at))::float AS worst, min(extract(epoch FROM queued_at - scheduled_at))::float AS earliest
           FROM calls WHERE company_id = $1`,
        [f.companyId],
      );
      expect(lag.earliest).toBeGreaterThanOrEqual(0); // never before its time
      expect(lag.worst).toBeLessThan(3);
    }, 180_000);
  });

  it('dispatches at once the calls that fell due while no instance ran', async () => {
    const f = await seedCallFixtures(t);
    await insertScheduledCalls(t.db, f.companyId, f.menus.web, 40, `now() - interval '1 hour'`);
    const instance = await TestApp.start({ SCHEDULER_ENABLED: 'true', SCHEDULER_TICK_MS: '60000', SCHEDULER_BATCH_SIZE: '7' });
    try {
      // The first tick runs at start-up, not a tick later, and drains every batch.
      const counts = await waitUntil(async () => {
        const c = await dispatchCounts(t.db, f.companyId);
        return c.scheduled === 0 ? c : undefined;
      }, 10_000, 'catch-up');
      expect(counts).toMatchObject({ calls: 40, dispatchedOnce: 40, dispatchedTwice: 0 });
    } finally {
      await instance.close();
    }
  });

  it('lets the cron endpoint, the command and the loop run side by side without doubles', async () => {
    const f = await seedCallFixtures(t);
    const other = await seedCallFixtures(t);
    await insertScheduledCalls(t.db, f.companyId, f.menus.web, 300, `now() - interval '1 second'`);
    await insertScheduledCalls(t.db, other.companyId, other.menus.web, 5, `now() + interval '1 hour'`); // not due: untouched
    const loop = await TestApp.start({ SCHEDULER_ENABLED: 'true', SCHEDULER_TICK_MS: '50', SCHEDULER_BATCH_SIZE: '10' });
    try {
      const command = new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['scripts/dispatch-due.js'], {
          cwd: join(__dirname, '..'),
          env: { ...process.env, DATABASE_URL: process.env.SWITCHBOARD_TEST_DATABASE_URL, SCHEDULER_BATCH_SIZE: '10' },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
      });
      const endpoint = Promise.all(Array.from({ length: 5 }, () => t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company)));
      const [out, answers] = await Promise.all([command, endpoint]);
      for (const a of answers) expect(a.status).toBe(200);
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ dispatched: expect.any(Number) });
      const counts = await waitUntil(async () => {
        const c = await dispatchCounts(t.db, f.companyId);
        return c.scheduled === 0 ? c : undefined;
      }, 20_000, 'all dispatched');
      expect(counts).toEqual({ calls: 300, scheduled: 0, dispatchedOnce: 300, dispatchedTwice: 0 });
      expect((await dispatchCounts(t.db, other.companyId)).scheduled).toBe(5);
    } finally {
      await loop.close();
    }
  }, 60_000);

  it('answers {"dispatched": N} for the company\'s own due calls only', async () => {
    const f = await seedCallFixtures(t);
    const other = await seedCallFixtures(t);
    await insertScheduledCalls(t.db, f.companyId, f.menus.web, 12, `now() - interval '1 second'`);
    await insertScheduledCalls(t.db, other.companyId, other.menus.web, 3, `now() - interval '1 second'`);
    const res = await t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company);
    expect(res).toMatchObject({ status: 200, body: { dispatched: 12 } });
    expect((await dispatchCounts(t.db, other.companyId)).scheduled).toBe(3);
    expect((await t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company)).body).toEqual({ dispatched: 0 });
    expect((await t.post('/apps/api/v1/scheduled_calls/dispatch', {})).status).toBe(401);
  });

  it('dispatches the rest of a batch when one call of it cannot be dispatched, and leaves that one due', async () => {
    const f = await seedCallFixtures(t);
    await insertScheduledCalls(t.db, f.companyId, f.menus.web, 5, `now() - interval '1 second'`);
    const [poison] = await t.db.query<{ id: string }>(`SELECT id FROM calls WHERE company_id = $1 ORDER BY id OFFSET 2 LIMIT 1`, [f.companyId]);
    // The database refuses this one call's dispatch (a test-only trigger).
    const allow = await refuseLogRows(t.db, 'refuse_dispatch', 'dispatch', poison.id);
    try {
      expect((await t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company)).body).toEqual({ dispatched: 4 });
      expect(await dispatchCounts(t.db, f.companyId)).toEqual({ calls: 5, scheduled: 1, dispatchedOnce: 4, dispatchedTwice: 0 });
      const [left] = await t.db.query(`SELECT status FROM calls WHERE id = $1`, [poison.id]);
      expect(left.status).toBe('scheduled');
      // Left out of this instance's claims for a while: the next run does not trip over it.
      expect((await t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company)).body).toEqual({ dispatched: 0 });
    } finally {
      await allow();
    }
  });

  describe('rescheduling and cancelling', () => {
    const schedule = (f: CallFixtures, at: string, extra: object = {}) =>
      t.post('/apps/api/v1/calls', { call_type: 'Voice Scheduled (API)', menu_id: f.menus.web, end_user_number: '+1 859-657-9625', scheduled_at: at, ...extra }, f.company);

    it('moves a scheduled call to a new time, validated as at creation', async () => {
      const f = await seedCallFixtures(t);
      const call = (await schedule(f, new Date(Date.now() + 3600_000).toISOString())).body;
      const later = new Date(Date.now() + 7200_000).toISOString();
      const moved = await t.patch(`/apps/api/v1/calls/${call.id}`, { scheduled_at: later }, f.company);
      expect(moved.status).toBe(200);
      expect(moved.body.scheduled_at).toBe(later);
      expect(moved.body.status).toBe('scheduled');
      const log = (await t.get(`/apps/api/v1/calls/${call.id}/events`, f.company)).body;
      expect(log.map((e: { type: string }) => e.type)).toEqual(['created', 'reschedule']);

      const cases: Array<[unknown, number, string]> = [
        [{}, 400, 'scheduled_at is required'],
        [{ scheduled_at: 'tomorrow' }, 400, 'scheduled_at is not well formed'],
        [{ scheduled_at: '2030-01-01T10:00:00' }, 400, 'scheduled_at is not well formed'],
        [{ scheduled_at: new Date(Date.now() - 1000).toISOString() }, 400, 'scheduled_at must be in the future'],
        [{ scheduled_at: later, menu_id: 3 }, 400, 'menu_id cannot be changed: only scheduled_at can'],
      ];
      for (const [body, status, message] of cases) {
        const res = await t.patch(`/apps/api/v1/calls/${call.id}`, body, f.company);
        expect({ status: res.status, body: res.body }).toEqual({ status, body: { error: expect.any(String), status: expect.any(Number), message } });
      }
      expect((await t.patch(`/apps/api/v1/calls/999999`, { scheduled_at: later }, f.company)).status).toBe(404);
    });

    it('refuses a time at which the menu is after hours', async () => {
      const f = await seedCallFixtures(t);
      const call = (await schedule(f, new Date(Date.now() + 3600_000).toISOString())).body;
      await t.db.query(`UPDATE menus SET business_hours = $2 WHERE id = $1`, [
        f.menus.web,
        JSON.stringify({ time_zone: 'America/New_York', weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] } }),
      ]);
      // Friday 2027-03-12 13:30Z is 08:30 in New York (EST): closed.
      const closed = await t.patch(`/apps/api/v1/calls/${call.id}`, { scheduled_at: '2027-03-12T13:30:00Z' }, f.company);
      expect(closed.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: "Menu is in 'after hours' state, can't accept incoming calls" });
      // Monday 2027-03-15 13:30Z is 09:30 in New York (EDT, after the change): open.
      const open = await t.patch(`/apps/api/v1/calls/${call.id}`, { scheduled_at: '2027-03-15T13:30:00Z' }, f.company);
      expect(open.status).toBe(200);
    });

    it('refuses to reschedule a call that is no longer scheduled', async () => {
      const f = await seedCallFixtures(t);
      const call = (await schedule(f, new Date(Date.now() + 3600_000).toISOString())).body;
      expect((await t.post(`/apps/api/v1/calls/${call.id}/events`, { type: 'cancel' }, f.company)).body).toMatchObject({ status: 'failed', fail_reason: 'eu_canceled' });
      const res = await t.patch(`/apps/api/v1/calls/${call.id}`, { scheduled_at: new Date(Date.now() + 7200_000).toISOString() }, f.company);
      expect(res).toMatchObject({ status: 409, body: { error: expect.any(String), status: expect.any(Number), message: "Cannot reschedule a call in status 'failed'" } });
    });

    it('never both dispatches and cancels or reschedules a call, whatever the race', async () => {
      const f = await seedCallFixtures(t);
      await insertScheduledCalls(t.db, f.companyId, f.menus.web, 60, `now() - interval '1 second'`);
      const ids: string[] = (await t.db.query(`SELECT id FROM calls WHERE company_id = $1 ORDER BY id`, [f.companyId])).map((r: { id: string }) => r.id);
      const later = new Date(Date.now() + 3600_000).toISOString();
      const answers = await Promise.all([
        t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company),
        ...ids.map((id, i) =>
          i % 2 === 0 ? t.post(`/apps/api/v1/calls/${id}/events`, { type: 'cancel' }, f.company) : t.patch(`/apps/api/v1/calls/${id}`, { scheduled_at: later }, f.company),
        ),
        t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company),
      ]);
      for (const a of answers) expect([200, 409]).toContain(a.status);
      const rows = await t.db.query(
        `SELECT c.status, array_agg(e.type ORDER BY e.seq) AS types FROM calls c JOIN call_events e ON e.call_id = c.id
          WHERE c.company_id = $1 GROUP BY c.id, c.status`,
        [f.companyId],
      );
      for (const { status, types } of rows) {
        const after = types.slice(1);
        // Exactly one of: dispatched, cancelled, rescheduled (and then maybe dispatched later — not here: it is in an hour).
        expect(after).toHaveLength(1);
        expect({ dispatch: 'queued', cancel: 'failed', reschedule: 'scheduled' }[after[0] as string]).toBe(status);
      }
    });
  });

  describe('callbacks of failed calls', () => {
    it('recovers the failed parent when its callback finishes, in the same transaction', async () => {
      const f = await seedCallFixtures(t);
      const parent = (await t.post('/apps/api/v1/calls', { call_type: 'Voice Inbound (API)', menu_id: f.menus.mobile, end_user_number: '+1 859-657-9625' }, f.company)).body;
      expect((await t.post(`/apps/api/v1/calls/${parent.id}/events`, { type: 'hangup', disconnected_by: 'disconnected_by_end_user' }, f.company)).body).toMatchObject({ status: 'failed', fail_reason: 'eu_abandoned' });
      const soon = new Date(Date.now() + 1500).toISOString();
      const callback = await t.post('/apps/api/v1/calls', { call_type: 'Voice Scheduled (API)', call_id: parent.id, end_user_number: '+1 859-657-9625', scheduled_at: soon }, f.company);
      expect(callback.status).toBe(201);
      expect(callback.body).toMatchObject({ parent_id: parent.id, status: 'scheduled', selected_menu: { id: f.menus.mobile } });
      // A second callback while the first is pending is refused and recorded nowhere.
      const before = await t.db.query(`SELECT count(*)::int AS n FROM calls`);
      const second = await t.post('/apps/api/v1/calls', { call_type: 'Voice Scheduled (API)', call_id: parent.id, end_user_number: '+1 859-657-9625', scheduled_at: soon }, f.company);
      expect(second).toMatchObject({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: `Call ${parent.id} already has a pending callback` } });
      expect(await t.db.query(`SELECT count(*)::int AS n FROM calls`)).toEqual(before);

      await waitUntil(async () => (await t.post('/apps/api/v1/scheduled_calls/dispatch', {}, f.company)).body.dispatched === 1, 10_000, 'the callback to fall due');
      const id = callback.body.id;
      for (const e of [{ type: 'assign', agent_email: f.agents.available.email }, { type: 'connect' }, { type: 'connected' }]) {
        expect((await t.post(`/apps/api/v1/calls/${id}/events`, e, f.company)).status).toBe(200);
      }
      expect((await t.get(`/apps/api/v1/calls/${parent.id}`, f.company)).body.status).toBe('failed');
      const finished = await t.post(`/apps/api/v1/calls/${id}/events`, { type: 'hangup', disconnected_by: 'disconnected_by_agent' }, f.company);
      expect(finished.body.status).toBe('finished');
      const recovered = (await t.get(`/apps/api/v1/calls/${parent.id}`, f.company)).body;
      expect(recovered.status).toBe('recovered');
      const parentLog = (await t.get(`/apps/api/v1/calls/${parent.id}/events`, f.company)).body;
      expect(parentLog.at(-1)).toMatchObject({ type: 'recover', from: 'failed', to: 'recovered' });
      // Written by the child's transaction: the same instant as the child's hangup.
      const childLog = (await t.get(`/apps/api/v1/calls/${id}/events`, f.company)).body;
      expect(parentLog.at(-1).created_at >= childLog.at(-1).created_at).toBe(true);
      // And a new callback may now be booked: the first is no longer pending.
      const third = await t.post('/apps/api/v1/calls', { call_type: 'Voice Scheduled (API)', call_id: parent.id, end_user_number: '+1 859-657-9625', scheduled_at: new Date(Date.now() + 3600_000).toISOString() }, f.company);
      expect(third.status).toBe(201);
    });
  });
});
