// Telephony through the simulator provider (shared spec telephony.md): each
// outcome of the spec's table ends in its status, fail_reason, log and
// participants; failover; SIP off; the engine's hang-up; late events.
import { SimulatorAdapter } from '../src/telephony/simulator/simulator.adapter';
import { TestApp } from './support/test-app';
import { ENDED, FAST_TELEPHONY, TelephonyCompany, addProvider, addRule, callOf, dialOut, logOf, seedTelephonyCompany, until, untilStatus } from './support/telephony-fixtures';

describe('telephony: dialing through the simulator', () => {
  let t: TestApp;
  let f: TelephonyCompany;
  let sim: number;

  beforeAll(async () => {
    t = await TestApp.start(FAST_TELEPHONY);
    f = await seedTelephonyCompany(t, 30);
    sim = await addProvider(t, f, { name: 'sim-a' });
  });
  afterAll(() => t.close());

  let agentIndex = 0;
  const nextAgent = () => f.callers[agentIndex++];
  const providerRows = (log: any[]) => log.filter((e) => e.data?.provider);

  it('answer: rings, connects, and the end user hangs up: finished', async () => {
    await addRule(t, f, sim, { number: '+18596570001', outcome: 'answer', ring_ms: 50, hangup_after_ms: 200, dtmf: [{ after_ms: 50, digits: '12' }] });
    const id = await dialOut(t, f, '+1 859-657-0001', nextAgent());
    const call = await untilStatus(t, f, id, ['finished']);
    expect(call).toMatchObject({ status: 'finished', fail_reason: 'nothing', disconnected_by: 'disconnected_by_end_user', voip_provider: 'voip_provider_simulator' });
    expect(call.connected_at).not.toBeNull();
    expect(call.participants.map((p: any) => p.status)).toEqual(['finished', 'finished']);
    const log = await logOf(t, f, id);
    expect(log.map((e) => [e.type, e.from, e.to])).toEqual([
      ['created', null, 'assigned'],
      ['connect', 'assigned', 'connecting'],
      ['ringing', 'connecting', 'connecting'],
      ['connected', 'connecting', 'connected'],
      ['dtmf', 'connected', 'connected'],
      ['dtmf', 'connected', 'connected'],
      ['hangup', 'connected', 'finished'],
    ]);
    expect(log[2].data.provider).toMatchObject({ id: sim, name: 'sim-a', kind: 'simulator', seq: 1, sip_code: 180, reported: 'ringing' });
    expect(log[4].data).toMatchObject({ digits: '1' });
    expect(log.filter((e) => e.data?.stale)).toEqual([]);
    expect(log[6].data.provider).toMatchObject({ reported: 'ended', cause: 'remote_hangup' });
    expect(providerRows(log).every((e) => e.event_id?.startsWith('provider:sim-'))).toBe(true);
  });

  it.each([
    ['busy', 'eu_busy', 'sim-a: 486 Busy Here'],
    ['wrong_number', 'eu_wrong_number', 'sim-a: 404 Not Found'],
    ['provider_error', 'voip_conn_general', 'sim-a: 503 Service Unavailable; no other voice provider to try'],
    ['no_response', 'voip_conn_timeout', 'sim-a: no response from the trunk (SIP transaction timeout); no other voice provider to try'],
  ])('%s fails the call with %s', async (outcome, failReason, details) => {
    const number = `+1859657${String(1000 + agentIndex).padStart(4, '0')}`;
    await addRule(t, f, sim, { number, outcome, ring_ms: 30 });
    const id = await dialOut(t, f, number, nextAgent());
    const call = await untilStatus(t, f, id, ['failed']);
    expect(call).toMatchObject({ status: 'failed', fail_reason: failReason, fail_details: details, voip_provider: 'voip_provider_simulator' });
    expect(call.participants.every((p: any) => p.status === 'finished')).toBe(true);
    const log = await logOf(t, f, id);
    const last = log[log.length - 1];
    expect(last).toMatchObject({ type: 'fail', from: 'connecting', to: 'failed' });
    expect(last.data.provider).toMatchObject({ reported: 'ended', cause: outcome });
  });

  it("no_answer: the engine's ring timer cancels the leg: eu_no_answer", async () => {
    await addRule(t, f, sim, { number: '+18596570002', outcome: 'no_answer' });
    const id = await dialOut(t, f, '+18596570002', nextAgent());
    const call = await untilStatus(t, f, id, ['failed']);
    expect(call).toMatchObject({ fail_reason: 'eu_no_answer' });
    expect(call.fail_details).toContain('ring timeout');
    await until('the cancel is confirmed', async () => (await logOf(t, f, id)).length === 5);
    const log = await logOf(t, f, id);
    expect(log.map((e) => e.type)).toEqual(['created', 'connect', 'ringing', 'fail', 'hangup']);
    // The leg is cancelled; the provider's confirmation comes late and is recorded as stale.
    expect(log[4]).toMatchObject({ from: 'failed', to: 'failed', data: { stale: true, provider: { cause: 'local_hangup', sip_code: 487 } } });
    await until('the leg is ended', async () => (await t.db.query(`SELECT ended_at FROM telephony_legs WHERE call_id = $1`, [id]))[0].ended_at !== null);
  });

  it("a call's own ring timeout (ring_timeout_seconds) replaces the default", async () => {
    await addRule(t, f, sim, { number: '+18596570011', outcome: 'no_answer' });
    const agent = nextAgent();
    const body = { call_type: 'Voice Outbound (API)', agent_email: agent, end_user_number: '+18596570011' };
    for (const bad of [0, 601, 1.5, '5', true]) {
      expect((await t.post('/apps/api/v1/calls', { ...body, ring_timeout_seconds: bad }, f.company)).body).toEqual({ message: 'ring_timeout_seconds must be a whole number from 1 to 600', error: 'ring_timeout_not_well_formed', status: 400 });
    }
    const created = await t.post('/apps/api/v1/calls', { ...body, ring_timeout_seconds: 1 }, f.company);
    expect(created.status).toBe(201);
    await t.post(`/apps/api/v1/calls/${created.body.id}/events`, { type: 'connect' }, f.company);
    const call = await untilStatus(t, f, created.body.id, ['failed']);
    expect(call).toMatchObject({ fail_reason: 'eu_no_answer', fail_details: 'not answered within the ring timeout (1 s); cancelled by the engine' });
  });

  it('a lost BYE: the media stops and the call ends with a media timeout', async () => {
    await addRule(t, f, sim, { number: '+18596570003', outcome: 'answer', ring_ms: 20, hangup_after_ms: 50, faults: { drop_final_event: true } });
    const id = await dialOut(t, f, '+18596570003', nextAgent());
    const call = await untilStatus(t, f, id, ['finished']);
    expect(call).toMatchObject({ fail_details: 'media timeout', disconnected_by: 'disconnected_by_system' });
  });

  it('a lost final event before answer: the watchdog fails the call (expired)', async () => {
    await addRule(t, f, sim, { number: '+18596570004', outcome: 'wrong_number', ring_ms: 10, faults: { drop_final_event: true } });
    const id = await dialOut(t, f, '+18596570004', nextAgent());
    const call = await untilStatus(t, f, id, ['failed']);
    expect(call).toMatchObject({ fail_reason: 'expired' });
    expect(call.fail_details).toContain('watchdog');
  });

  it("a client's hangup during the call makes the engine hang up the leg", async () => {
    await addRule(t, f, sim, { number: '+18596570005', outcome: 'answer', ring_ms: 10, hangup_after_ms: 60_000 });
    const id = await dialOut(t, f, '+18596570005', nextAgent());
    await untilStatus(t, f, id, ['connected']);
    const hangup = await t.post(`/apps/api/v1/calls/${id}/events`, { type: 'hangup', disconnected_by: 'disconnected_by_agent' }, f.company);
    expect(hangup.status).toBe(200);
    await until('the leg is hung up', async () => (await t.db.query(`SELECT end_cause FROM telephony_legs WHERE call_id = $1`, [id]))[0].end_cause === 'local_hangup');
    await until('the stale BYE confirmation is logged', async () => (await logOf(t, f, id)).some((e) => e.data?.stale === true));
    const call = await callOf(t, f, id);
    expect(call).toMatchObject({ status: 'finished', disconnected_by: 'disconnected_by_agent' });
    expect(t.app.get(SimulatorAdapter).legsUp).toBe(0);
  });

  it('a late answer after a client already reported connected is recorded as stale and changes nothing', async () => {
    await addRule(t, f, sim, { number: '+18596570006', outcome: 'answer', ring_ms: 400, hangup_after_ms: 60_000 });
    const id = await dialOut(t, f, '+18596570006', nextAgent());
    await until('it rings', async () => (await logOf(t, f, id)).some((e) => e.type === 'ringing'));
    expect((await t.post(`/apps/api/v1/calls/${id}/events`, { type: 'connected' }, f.company)).status).toBe(200);
    await until('the answer arrives', async () => (await logOf(t, f, id)).length >= 5);
    const log = await logOf(t, f, id);
    expect(log[4]).toMatchObject({ type: 'connected', from: 'connected', to: 'connected', data: { stale: true, provider: { reported: 'answered' } } });
    await t.post(`/apps/api/v1/calls/${id}/events`, { type: 'hangup' }, f.company);
  });

  it('fails over: the first provider answers 503, the call goes switching and connects on the second', async () => {
    const g = await seedTelephonyCompany(t, 2);
    const first = await addProvider(t, g, { name: 'carrier-a', priority: 1 });
    const second = await addProvider(t, g, { name: 'carrier-b', priority: 2 });
    await addRule(t, g, first, { prefix: '+1', outcome: 'provider_error', ring_ms: 10 });
    await addRule(t, g, second, { prefix: '+1', outcome: 'answer', ring_ms: 10, hangup_after_ms: 100 });
    const id = await dialOut(t, g, '+18596570007', g.callers[0]);
    const call = await untilStatus(t, g, id, ['finished']);
    expect(call).toMatchObject({ status: 'finished', voip_provider: 'voip_provider_simulator', disconnected_by: 'disconnected_by_end_user' });
    const log = await logOf(t, g, id);
    expect(log.map((e) => [e.type, e.to])).toEqual([
      ['created', 'assigned'],
      ['connect', 'connecting'],
      ['provider_failed', 'switching'],
      ['retry', 'connecting'],
      ['ringing', 'connecting'],
      ['connected', 'connected'],
      ['hangup', 'finished'],
    ]);
    expect(log[2].data.provider).toMatchObject({ name: 'carrier-a', sip_code: 503, reason: 'Service Unavailable' });
    expect(log[4].data.provider).toMatchObject({ name: 'carrier-b' });
    const legs = await t.db.query(`SELECT attempt, provider_id::int AS provider, state FROM telephony_legs WHERE call_id = $1 ORDER BY attempt`, [id]);
    expect(legs).toEqual([
      { attempt: 1, provider: first, state: 'ended' },
      { attempt: 2, provider: second, state: 'ended' },
    ]);
  });

  it('SIP off on this instance: a sip provider fails over with the reason, and a company with only SIP fails clearly', async () => {
    const g = await seedTelephonyCompany(t, 2);
    await addProvider(t, g, { name: 'trunk', kind: 'sip', priority: 1, sip: { uri: 'sip:127.0.0.1:5099' } });
    const fallback = await addProvider(t, g, { name: 'fallback', priority: 2 });
    await addRule(t, g, fallback, { prefix: '+1', outcome: 'answer', ring_ms: 10, hangup_after_ms: 50 });
    const id = await dialOut(t, g, '+18596570008', g.callers[0]);
    await untilStatus(t, g, id, ['finished']);
    const log = await logOf(t, g, id);
    expect(log.find((e) => e.type === 'provider_failed').data.provider.reason).toMatch(/^SIP is off on this instance/);

    const h = await seedTelephonyCompany(t, 1);
    await addProvider(t, h, { name: 'only-trunk', kind: 'sip', sip: { uri: 'sip:127.0.0.1:5099' } });
    const lone = await dialOut(t, h, '+18596570009', h.callers[0]);
    const call = await untilStatus(t, h, lone, ['failed']);
    expect(call.fail_reason).toBe('voip_conn_general');
    expect(call.fail_details).toMatch(/^only-trunk: SIP is off on this instance: .*; no other voice provider to try$/);
    expect(call.voip_provider).toBe('voip_provider_sip');
  });

  it('a disabled provider is not dialed; a company with no enabled provider keeps reporting calls itself', async () => {
    const g = await seedTelephonyCompany(t, 1);
    const p = await addProvider(t, g, { enabled: false });
    const id = await dialOut(t, g, '+18596570010', g.callers[0]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const call = await callOf(t, g, id);
    expect(call).toMatchObject({ status: 'connecting', voip_provider: 'voip_provider_twilio' });
    expect(await t.db.query(`SELECT 1 FROM telephony_legs WHERE call_id = $1`, [id])).toEqual([]);
    expect((await t.post(`/apps/api/v1/calls/${id}/events`, { type: 'connected' }, g.company)).status).toBe(200);
    expect(p).toBeGreaterThan(0);
  });

  it('every dial is one leg: no call is dialed twice', async () => {
    const dials = t.app.get(SimulatorAdapter).dials;
    const legs = dials.map((d) => d.legId);
    expect(new Set(legs).size).toBe(legs.length);
    const calls = await t.db.query(`SELECT status FROM calls c WHERE EXISTS (SELECT 1 FROM telephony_legs l WHERE l.call_id = c.id)`);
    expect(calls.filter((c) => !ENDED.includes(c.status) && c.status !== 'connected')).toEqual([]);
  });
});
