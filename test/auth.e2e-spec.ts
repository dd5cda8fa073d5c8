import { ADMIN_TOKEN, basicAuth, TestApp, TestCompany } from './support/test-app';

describe('authentication and tenancy', () => {
  let t: TestApp;
  let acme: TestCompany;
  let globex: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany('acme');
    globex = await t.createCompany('globex');
  });
  afterAll(() => t.close());

  it('answers 401 without credentials, with a wrong token, a wrong key or a malformed header', async () => {
    for (const auth of [undefined, basicAuth('acme', 'nope'), basicAuth('globex', acme.token), basicAuth('nobody', acme.token), 'Bearer x', 'Basic %%%']) {
      const res = await t.get('/manager/api/v1/agents', auth);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' });
    }
  });

  it('accepts any live token of the company, and a revoked one stops at once', async () => {
    const admin = `Bearer ${ADMIN_TOKEN}`;
    const second = await t.request('POST', '/admin/companies/acme/tokens', { auth: admin });
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ id: expect.any(Number), token: expect.any(String) });
    const auth2 = basicAuth('acme', second.body.token);
    expect((await t.get('/manager/api/v1/agents', auth2)).status).toBe(200);
    expect((await t.get('/manager/api/v1/agents', acme)).status).toBe(200);

    expect((await t.request('DELETE', `/admin/companies/acme/tokens/${second.body.id}`, { auth: admin })).status).toBe(204);
    expect((await t.get('/manager/api/v1/agents', auth2)).status).toBe(401);
    expect((await t.get('/manager/api/v1/agents', acme)).status).toBe(200);
    expect((await t.request('DELETE', `/admin/companies/acme/tokens/${second.body.id}`, { auth: admin })).status).toBe(404);
    // another company's token id is not found through this company
    expect((await t.request('DELETE', `/admin/companies/globex/tokens/${second.body.id}`, { auth: admin })).status).toBe(404);
  });

  it('never shows one company the rows of another', async () => {
    const created = await t.post('/manager/api/v1/agents', { email: 'a@acme.example', first_name: 'A', last_name: 'B' }, acme);
    expect(created.status).toBe(201);
    const foreign = await t.get(`/manager/api/v1/agents/${created.body.id}`, globex);
    const missing = await t.get(`/manager/api/v1/agents/999999999`, globex);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Agent ${created.body.id} is not found` });
    expect(missing.status).toBe(404);
    expect((await t.get('/manager/api/v1/agents', globex)).body).toEqual([]);
    expect((await t.patch(`/manager/api/v1/agents/${created.body.id}`, { first_name: 'X' }, globex)).status).toBe(404);
  });

  it('checks requests that arrive together each against its own credentials', async () => {
    const admin = `Bearer ${ADMIN_TOKEN}`;
    const revoked = await t.request('POST', '/admin/companies/globex/tokens', { auth: admin });
    expect((await t.request('DELETE', `/admin/companies/globex/tokens/${revoked.body.id}`, { auth: admin })).status).toBe(204);
    for (const company of [acme, globex]) {
      const agent = { email: `together@${company.key}.example`, first_name: company.key, last_name: 'Agent' };
      expect((await t.post('/manager/api/v1/agents', agent, company)).status).toBe(201);
    }
    const [acmeAgents, globexAgents] = [(await t.get('/manager/api/v1/agents', acme)).body, (await t.get('/manager/api/v1/agents', globex)).body];
    expect(acmeAgents.map((a: { first_name: string }) => a.first_name)).toContain('acme');
    expect(globexAgents.map((a: { first_name: string }) => a.first_name)).toEqual(['globex']);
    const cases: Array<[string | TestCompany, number, unknown]> = [
      [acme, 200, acmeAgents],
      [globex, 200, globexAgents],
      [basicAuth('globex', revoked.body.token), 401, { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' }],
      [basicAuth('acme', globex.token), 401, { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' }],
      [basicAuth('acme', 'nope'), 401, { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' }],
    ];
    const sent = Array.from({ length: 60 }, (_, i) => cases[i % cases.length]);
    const answers = await Promise.all(sent.map(([auth]) => t.get('/manager/api/v1/agents', auth)));
    answers.forEach((res, i) => {
      expect([res.status, res.body]).toEqual([sent[i][1], sent[i][2]]);
    });
  });

  describe('the operator API', () => {
    const admin = `Bearer ${ADMIN_TOKEN}`;

    it('creates a company with a first token that works', async () => {
      const res = await t.request('POST', '/admin/companies', { auth: admin, body: { key: 'initech', name: 'Initech' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ key: 'initech', name: 'Initech', token: expect.stringMatching(/^sbt_/) });
      expect((await t.get('/manager/api/v1/agents', basicAuth('initech', res.body.token))).status).toBe(200);
      const again = await t.request('POST', '/admin/companies', { auth: admin, body: { key: 'initech', name: 'Other' } });
      expect(again.status).toBe(409);
    });

    it.each([
      [{ key: '-bad', name: 'x' }, 'key'],
      [{ key: 'bad-', name: 'x' }, 'key'],
      [{ key: 'Upper', name: 'x' }, 'key'],
      [{ key: 'a'.repeat(64), name: 'x' }, 'key'],
      [{ key: 12, name: 'x' }, 'key'],
      [{ name: 'x' }, 'key'],
      [{ key: 'ok-key' }, 'name'],
      [{ key: 'ok-key', name: '' }, 'name'],
    ])('refuses %j with a 400 naming %s', async (body, field) => {
      const res = await t.request('POST', '/admin/companies', { auth: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    });

    it('needs the operator token', async () => {
      expect((await t.request('POST', '/admin/companies', { body: { key: 'x1', name: 'x' } })).status).toBe(401);
      expect((await t.request('POST', '/admin/companies', { auth: 'Bearer wrong', body: { key: 'x1', name: 'x' } })).status).toBe(401);
      expect((await t.request('POST', '/admin/companies', { auth: acme.auth, body: { key: 'x1', name: 'x' } })).status).toBe(401);
    });

    it('does not exist without SWITCHBOARD_ADMIN_TOKEN', async () => {
      const bare = await TestApp.start({ SWITCHBOARD_ADMIN_TOKEN: '' });
      try {
        expect((await bare.request('POST', '/admin/companies', { auth: admin, body: { key: 'x2', name: 'x' } })).status).toBe(404);
      } finally {
        await bare.close();
      }
    });
  });
});
