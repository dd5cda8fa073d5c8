// Calls nobody will move on (src/calls/expiry/call-expiry.ts): an assigned
// call never connected is failed `expired` and its agent freed; a connected
// call unchanged for too long is hung up by the system; both through the
// lifecycle, in the call's log; fresh calls and finished ones are left alone;
// two sweeps at once end each call once.
import { CallExpiry } from '../src/calls/expiry/call-expiry';
import { seedCallFixtures } from './support/call-fixtures';
import { callIn } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';

describe('stuck calls expire', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start({ CALL_ASSIGNED_TIMEOUT_MS: '60000', CALL_LIVE_TIMEOUT_MS: '3600000' })));
  afterAll(() => t.close());

  const age = (callId: number, interval: string) =>
    t.db.query(`UPDATE calls SET assigned_at = assigned_at - $2::interval, updated_at = updated_at - $2::interval, created_at = created_at - $2::interval WHERE id = $1`, [callId, interval]);

  it('fails an assigned call never connected, frees its agent, and hangs up a connected call left for hours', async () => {
    const f = await seedCallFixtures(t);
    const stuck = await callIn(t, f, 'assigned');
    const [{ agent_id: agentId }] = await t.db.query(`SELECT agent_id FROM calls WHERE id = $1`, [stuck.id]);
    const forgotten = await callIn(t, f, 'connected');
    const fresh = await callIn(t, f, 'queued');
    const done = await callIn(t, f, 'finished');
    await age(stuck.id, '2 minutes');
    await age(forgotten.id, '2 hours');
    await age(done.id, '5 hours');

    const [a, b] = await Promise.all([t.app.get(CallExpiry).sweep(), t.app.get(CallExpiry).sweep()]);
    expect(a + b).toBe(2);

    const call = async (id: number) => (await t.get(`/apps/api/v1/calls/${id}`, f.company)).body;
    expect(await call(stuck.id)).toMatchObject({ status: 'failed', fail_reason: 'expired', fail_details: expect.stringMatching(/^expired: assigned and not connected for \d+ s$/) });
    const [{ status: agentStatus }] = await t.db.query(`SELECT status FROM agents WHERE id = $1`, [agentId]);
    expect(agentStatus).toBe('available');
    expect(await call(forgotten.id)).toMatchObject({ status: 'finished', disconnected_by: 'disconnected_by_system', fail_details: expect.stringMatching(/^expired: connected and unchanged for \d+ s$/) });
    expect((await call(fresh.id)).status).toBe('queued');
    expect((await call(done.id)).status).toBe('finished');
    const log = (await t.get(`/apps/api/v1/calls/${stuck.id}/events`, f.company)).body as any[];
    expect(log.at(-1)).toMatchObject({ type: 'fail', from: 'assigned', to: 'failed' });
    const [{ source }] = await t.db.query(`SELECT source FROM call_events WHERE call_id = $1 ORDER BY seq DESC LIMIT 1`, [stuck.id]);
    expect(source).toBe('engine');
    expect(await t.app.get(CallExpiry).sweep()).toBe(0);
  });
});
