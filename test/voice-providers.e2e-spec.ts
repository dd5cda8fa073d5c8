// The Manager API's voice providers and simulator rules (shared spec telephony.md).
import { TestApp, TestCompany } from './support/test-app';

const URL = '/manager/api/v1/voice_providers';
const SIP = { name: 'carrier-a', kind: 'sip', priority: 1, sip: { uri: 'sip:trunk.example.net:5060', username: 'acme', password: 's3cret', from_user: '+13392195276' }, calls_per_second: 10, max_concurrent_calls: 50, enabled: true };

describe('Manager API: voice providers', () => {
  let t: TestApp;
  let co: TestCompany;
  let other: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start({ TELEPHONY_ENABLED: 'false' });
    co = await t.createCompany();
    other = await t.createCompany();
  });
  afterAll(() => t.close());

  it('creates a sip provider; the password is write-only', async () => {
    const res = await t.post(URL, SIP, co);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'carrier-a',
      kind: 'sip',
      priority: 1,
      sip: { uri: 'sip:trunk.example.net:5060', username: 'acme', from_user: '+13392195276', password_set: true },
      calls_per_second: 10,
      max_concurrent_calls: 50,
      enabled: true,
    });
    expect(JSON.stringify(res.body)).not.toContain('s3cret');
    expect(JSON.stringify((await t.get(`${URL}/${res.body.id}`, co)).body)).not.toContain('s3cret');
  });

  it('creates a simulator with defaults; lists by priority with paging headers', async () => {
    const g = await t.createCompany();
    expect((await t.post(URL, { kind: 'simulator', priority: 9 }, g)).body).toMatchObject({ name: 'simulator', kind: 'simulator' });
    const b = await t.post(URL, { name: 'b', kind: 'simulator', priority: 5 }, g);
    expect(b.body).toMatchObject({ kind: 'simulator', sip: null, calls_per_second: 10, max_concurrent_calls: 50, enabled: true, priority: 5 });
    await t.post(URL, { name: 'a', kind: 'simulator', priority: 2 }, g);
    const list = await t.get(`${URL}?per=1`, g);
    expect(list.status).toBe(200);
    expect(list.body.map((p: any) => p.name)).toEqual(['a']);
    expect(list.headers.total).toBe('3');
    expect(String(list.headers.link)).toContain('rel="next"');
  });

  it.each([
    [{ ...SIP, sip: { uri: 'http://trunk.example.net' } }, "sip.uri 'http://trunk.example.net' is not a valid SIP URI (sip:host[:port] or sips:…)"],
    [{ ...SIP, sip: { uri: 'sip:trunk.example.net:70000' } }, "sip.uri 'sip:trunk.example.net:70000' is not a valid SIP URI (sip:host[:port] or sips:…)"],
    [{ ...SIP, sip: { uri: 'sip:300.1.1.1' } }, "sip.uri 'sip:300.1.1.1' is not a valid SIP URI (sip:host[:port] or sips:…)"],
    [{ ...SIP, sip: { uri: 'sip:' } }, "sip.uri 'sip:' is not a valid SIP URI (sip:host[:port] or sips:…)"],
    [{ ...SIP, sip: undefined }, 'sip.uri is required for a provider of kind sip'],
    [{ ...SIP, sip: { uri: 42 } }, 'sip.uri is not well formed'],
    [{ ...SIP, kind: 'twilio' }, 'kind must be one of sip, simulator'],
    [{ ...SIP, kind: undefined }, 'kind is required'],
    [{ ...SIP, name: '' }, 'name is required'],
    [{ ...SIP, priority: 1.5 }, 'priority must be a whole number from 0 to 1000000'],
    [{ ...SIP, calls_per_second: 0 }, 'calls_per_second must be a whole number from 1 to 1000'],
    [{ ...SIP, max_concurrent_calls: '5' }, 'max_concurrent_calls must be a whole number from 1 to 100000'],
    [{ ...SIP, enabled: 'yes' }, 'enabled must be a boolean'],
    [{ name: 'x', kind: 'simulator', sip: { uri: 'sip:a.b' } }, 'sip settings are only for a provider of kind sip'],
    [[1, 2], 'The body must be a JSON object'],
  ])('refuses %j with a 400', async (body, message) => {
    const res = await t.post(URL, body, co);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { message, error: expect.stringMatching(/^(voice_provider|simulator_rule)_/), status: 400 } });
  });

  it('accepts the SIP URIs trunks use', async () => {
    for (const uri of ['sip:trunk.example.net', 'sips:trunk.example.net:5061', 'sip:acme@10.0.0.1:5060;transport=udp', 'sip:[2001:db8::1]:5060']) {
      expect({ uri, status: (await t.post(URL, { ...SIP, sip: { uri } }, co)).status }).toEqual({ uri, status: 201 });
    }
  });

  it('updates in part, keeps the password unless given, and checks the whole', async () => {
    const { body } = await t.post(URL, SIP, co);
    const res = await t.patch(`${URL}/${body.id}`, { priority: 3, enabled: false, sip: { username: 'other' } }, co);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priority: 3, enabled: false, sip: { uri: SIP.sip.uri, username: 'other', password_set: true } });
    expect((await t.patch(`${URL}/${body.id}`, { sip: { password: null } }, co)).body.sip.password_set).toBe(false);
    expect((await t.patch(`${URL}/${body.id}`, { sip: { uri: 'sip:bad host' } }, co)).status).toBe(400);
    const simulator = await t.patch(`${URL}/${body.id}`, { kind: 'simulator' }, co);
    expect(simulator.body).toMatchObject({ kind: 'simulator', sip: null });
    expect((await t.patch(`${URL}/${body.id}`, { kind: 'sip' }, co)).body).toEqual({ message: 'sip.uri is required for a provider of kind sip', error: 'voice_provider_sip_required', status: 400 });
  });

  it("deletes; another company's provider is not found", async () => {
    const { body } = await t.post(URL, SIP, co);
    expect((await t.get(`${URL}/${body.id}`, other)).status).toBe(404);
    expect((await t.patch(`${URL}/${body.id}`, { priority: 2 }, other)).status).toBe(404);
    expect((await t.delete(`${URL}/${body.id}`, other)).status).toBe(404);
    expect((await t.delete(`${URL}/${body.id}`, co)).status).toBe(204);
    expect((await t.get(`${URL}/${body.id}`, co)).body).toEqual({ message: `Voice provider ${body.id} is not found`, error: 'voice_provider_not_found', status: 404 });
    expect((await t.get(`${URL}/abc`, co)).status).toBe(404);
    expect((await t.get(URL)).status).toBe(401);
  });

  describe('simulator rules', () => {
    let sim: number;
    beforeAll(async () => {
      sim = (await t.post(URL, { name: 'sim', kind: 'simulator' }, co)).body.id;
    });

    it('adds, lists, reads and deletes rules', async () => {
      const rule = { number: '+1 859-657-9625', outcome: 'answer', ring_ms: 500, dtmf: [{ after_ms: 1200, digits: '1' }], hangup_after_ms: 5000, faults: { duplicate_events: true, reorder_events: true, drop_final_event: true } };
      const created = await t.post(`${URL}/${sim}/simulator_rules`, rule, co);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ voice_provider_id: sim, number: '+18596579625', prefix: null, outcome: 'answer', ring_ms: 500, dtmf: [{ after_ms: 1200, digits: '1' }], hangup_after_ms: 5000, faults: rule.faults });
      expect((await t.post(`${URL}/${sim}/simulator_rules`, { prefix: '+44' }, co)).body).toMatchObject({ outcome: 'answer', ring_ms: 500 });
      const prefix = await t.post(`${URL}/${sim}/simulator_rules`, { prefix: '+1859', outcome: 'busy' }, co);
      expect(prefix.body).toMatchObject({ prefix: '+1859', ring_ms: 500, dtmf: [], hangup_after_ms: null, faults: { duplicate_events: false, reorder_events: false, drop_final_event: false } });
      expect((await t.get(`${URL}/${sim}/simulator_rules`, co)).body.map((r: any) => r.outcome)).toEqual(['answer', 'answer', 'busy']);
      expect((await t.get(`${URL}/${sim}/simulator_rules/${prefix.body.id}`, co)).body.outcome).toBe('busy');
      expect((await t.delete(`${URL}/${sim}/simulator_rules/${prefix.body.id}`, co)).status).toBe(204);
      expect((await t.get(`${URL}/${sim}/simulator_rules/${prefix.body.id}`, co)).body).toEqual({ message: `Simulator rule ${prefix.body.id} is not found`, error: 'simulator_rule_not_found', status: 404 });
      expect((await t.get(`${URL}/${sim}/simulator_rules`, other)).status).toBe(404);
    });

    it.each([
      [{ outcome: 'answer' }, 'a simulator rule needs exactly one of number and prefix'],
      [{ number: '+18596579625', prefix: '+1', outcome: 'answer' }, 'a simulator rule needs exactly one of number and prefix'],
      [{ number: '859', outcome: 'answer' }, 'number is not well formed'],
      [{ prefix: '1859', outcome: 'answer' }, 'prefix is not well formed'],
      [{ prefix: '+1', outcome: 'explode' }, 'outcome must be one of answer, busy, no_answer, wrong_number, provider_error, no_response'],
      [{ prefix: '+1', outcome: 'answer', ring_ms: -1 }, 'ring_ms must be a whole number from 0 to 600000'],
      [{ prefix: '+1', outcome: 'answer', dtmf: [{ after_ms: 10, digits: 'x' }] }, 'dtmf[0].digits is not well formed'],
      [{ prefix: '+1', outcome: 'answer', faults: { duplicate_events: 'yes' } }, 'faults.duplicate_events must be a boolean'],
    ])('refuses %j with a 400', async (body, message) => {
      const res = await t.post(`${URL}/${sim}/simulator_rules`, body, co);
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { message, error: expect.stringMatching(/^(voice_provider|simulator_rule)_/), status: 400 } });
    });

    it('only simulators have rules', async () => {
      const sip = (await t.post(URL, SIP, co)).body.id;
      expect((await t.post(`${URL}/${sip}/simulator_rules`, { prefix: '+1', outcome: 'answer' }, co)).body).toEqual({ message: `Voice provider ${sip} is not a simulator: only simulators have rules`, error: 'voice_provider_not_simulator', status: 400 });
    });
  });
});
