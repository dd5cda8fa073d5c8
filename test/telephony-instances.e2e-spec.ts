// Telephony across instances on one database: calls_per_second holds across
// three instances (measured where the dials arrive: the simulators), and the
// timers (ring timer, watchdog) live in the database, so a call dialed by an
// instance that stopped still ends.
import { SimulatorAdapter } from '../src/telephony/simulator/simulator.adapter';
import { TestApp } from './support/test-app';
import { ENDED, FAST_TELEPHONY, addProvider, addRule, dialOut, seedTelephonyCompany, until, untilStatus } from './support/telephony-fixtures';

describe('telephony across instances', () => {
  it('calls_per_second 5 through one provider from 3 instances: never more than 5 dials in any second, every call dialed once', async () => {
    // The margin covers the time between a dial's claim (the database's clock)
    // and its arrival at the simulator, on a loaded machine.
    const apps = await Promise.all([0, 1, 2].map(() => TestApp.start({ ...FAST_TELEPHONY, TELEPHONY_PACING_MARGIN_MS: '250' })));
    try {
      const [a] = apps;
      const f = await seedTelephonyCompany(a, 22);
      const provider = await addProvider(a, f, { name: 'paced', calls_per_second: 5, max_concurrent_calls: 100 });
      await addRule(a, f, provider, { prefix: '+1', outcome: 'answer', ring_ms: 0, hangup_after_ms: 50 });
      // Each instance takes its share of the connects (their dials are claimed by any).
      const ids = await Promise.all(f.callers.map((agent, i) => dialOut(apps[i % 3], f, `+1859657${String(2000 + i)}`, agent)));
      await until('every call ends', async () => {
        const [{ live }] = await a.db.query(`SELECT count(*)::int AS live FROM calls WHERE id = ANY($1) AND status <> ALL($2)`, [ids, ENDED]);
        return live === 0;
      }, 30_000);

      const dials = apps.flatMap((app) => app.app.get(SimulatorAdapter).dials).sort((x, y) => x.at - y.at);
      expect(dials).toHaveLength(ids.length);
      expect(new Set(dials.map((d) => d.legId)).size).toBe(ids.length);
      const busiest = Math.max(...dials.map((d) => dials.filter((e) => e.at >= d.at && e.at < d.at + 1000).length));
      expect(busiest).toBeLessThanOrEqual(5);
      expect(dials[dials.length - 1].at - dials[0].at).toBeGreaterThanOrEqual(3000); // 22 dials at 5 a second
      const statuses = await a.db.query(`SELECT DISTINCT status FROM calls WHERE id = ANY($1)`, [ids]);
      expect(statuses).toEqual([{ status: 'finished' }]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('max_concurrent_calls holds: a call waits in connecting for a free line, then is dialed', async () => {
    const app = await TestApp.start(FAST_TELEPHONY);
    try {
      const f = await seedTelephonyCompany(app, 3);
      const provider = await addProvider(app, f, { name: 'one-line', max_concurrent_calls: 1 });
      await addRule(app, f, provider, { prefix: '+1', outcome: 'answer', ring_ms: 0, hangup_after_ms: 400 });
      const first = await dialOut(app, f, '+18596573001', f.callers[0]);
      await untilStatus(app, f, first, ['connected']);
      const second = await dialOut(app, f, '+18596573002', f.callers[1]);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await app.get(`/apps/api/v1/calls/${second}`, f.company)).body.status).toBe('connecting');
      await untilStatus(app, f, first, ['finished']);
      await untilStatus(app, f, second, ['finished']);
    } finally {
      await app.close();
    }
  });

  it('the watchdog and the ring timer fire after the instance that dialed stopped', async () => {
    // (Long enough that the stopped instance's legs are not taken over first.)
    const first = await TestApp.start({ ...FAST_TELEPHONY, TELEPHONY_INSTANCE_TIMEOUT_MS: '600000' });
    const f = await seedTelephonyCompany(first, 2);
    const provider = await addProvider(first, f, { name: 'silent' });
    await addRule(first, f, provider, { number: '+18596574001', outcome: 'provider_error', ring_ms: 0, faults: { drop_final_event: true } });
    await addRule(first, f, provider, { number: '+18596574002', outcome: 'no_answer' });
    const silent = await dialOut(first, f, '+18596574001', f.callers[0]);
    const ringing = await dialOut(first, f, '+18596574002', f.callers[1]);
    await until('both are dialed and one rings', async () => {
      const legs = await first.db.query(`SELECT state FROM telephony_legs WHERE call_id = ANY($1) ORDER BY call_id`, [[silent, ringing]]);
      return legs.length === 2 && legs[0].state === 'dialing' && legs[1].state === 'ringing';
    });
    await first.close();

    const second = await TestApp.start({ ...FAST_TELEPHONY, TELEPHONY_INSTANCE_TIMEOUT_MS: '600000' });
    try {
      expect(await untilStatus(second, f, ringing, ['failed'])).toMatchObject({ fail_reason: 'eu_no_answer' });
      expect(await untilStatus(second, f, silent, ['failed'])).toMatchObject({ fail_reason: 'expired' });
    } finally {
      await second.close();
    }
  });

  it("an instance gone silent: another ends the calls its legs carried", async () => {
    const first = await TestApp.start(FAST_TELEPHONY);
    const f = await seedTelephonyCompany(first, 1);
    const provider = await addProvider(first, f, { name: 'long' });
    await addRule(first, f, provider, { prefix: '+1', outcome: 'answer', ring_ms: 0, hangup_after_ms: 600_000 });
    const id = await dialOut(first, f, '+18596575001', f.callers[0]);
    await untilStatus(first, f, id, ['connected']);
    await first.close();

    const second = await TestApp.start({ ...FAST_TELEPHONY, TELEPHONY_INSTANCE_TIMEOUT_MS: '500' });
    try {
      const call = await untilStatus(second, f, id, ['finished']);
      expect(call).toMatchObject({ disconnected_by: 'disconnected_by_system', fail_details: 'the instance carrying the call stopped' });
      expect((await second.db.query(`SELECT end_cause FROM telephony_legs WHERE call_id = $1`, [id]))[0].end_cause).toBe('agent_lost');
    } finally {
      await second.close();
    }
  });
});
