import { createOutboundNumber, OutboundNumberJson, randomPhoneNumber } from './factories';
import { TestApp, TestCompany } from './support/test-app';

const URL = '/manager/api/v1/outbound_numbers';

describe('the Manager API: outbound numbers', () => {
  let t: TestApp;
  let acme: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany();
  });
  afterAll(() => t.close());

  const all = async (company: TestCompany): Promise<OutboundNumberJson[]> => (await t.get(`${URL}?per=100`, company)).body;

  describe('POST /outbound_numbers', () => {
    it('creates a number, answered as configured (trimmed), not default by default', async () => {
      const res = await t.post(URL, { number: '  +1 339-219-5276 ' }, acme);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(Number), number: '+1 339-219-5276', default: false });
      expect((await t.get(`${URL}/${res.body.id}`, acme)).body).toEqual(res.body);
    });

    it('refuses the same number again, however it is written (409)', async () => {
      const company = await t.createCompany();
      await createOutboundNumber(t, company, { number: '+1 760-867-5309' });
      for (const number of ['+1 760-867-5309', '+17608675309', '+1 (760) 867.5309']) {
        const res = await t.post(URL, { number }, company);
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'Outbound number +17608675309 already exists' });
      }
      // another company may have it
      expect((await t.post(URL, { number: '+17608675309' }, await t.createCompany())).status).toBe(201);
    });

    it('keeps at most one default: a new default clears the old one', async () => {
      const company = await t.createCompany();
      const first = await createOutboundNumber(t, company, { default: true });
      expect(first.default).toBe(true);
      const second = await createOutboundNumber(t, company, { default: true });
      const third = await createOutboundNumber(t, company, { default: false });
      expect((await all(company)).map((n) => [n.id, n.default])).toEqual([
        [first.id, false],
        [second.id, true],
        [third.id, false],
      ]);
    });

    it('keeps one default when several are created at once, even in a company with no numbers yet', async () => {
      const company = await t.createCompany();
      const results = await Promise.all(Array.from({ length: 8 }, () => t.post(URL, { number: randomPhoneNumber(), default: true }, company)));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect((await all(company)).filter((n) => n.default)).toHaveLength(1);
    });

    it('answers one 201 and 409s when the same number is created at once', async () => {
      const company = await t.createCompany();
      const number = randomPhoneNumber();
      const results = await Promise.all(Array.from({ length: 5 }, () => t.post(URL, { number }, company)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it.each([
      [{}, 'number is not well formed'],
      [{ number: null }, 'number is not well formed'],
      [{ number: 13392195276 }, 'number is not well formed'],
      [{ number: ['+13392195276'] }, 'number is not well formed'],
      [{ number: '' }, 'number is not well formed'],
      [{ number: '123123' }, 'number is not well formed'],
      [{ number: '3392195276' }, 'number is not well formed'],
      [{ number: '+1 999-657-12' }, 'number is not well formed'],
      [{ number: '+1 339-219-5276 ext. 5' }, 'number is not well formed'],
      [{ number: `+1${'2'.repeat(60)}` }, 'number is not well formed'],
      [{ number: '+13392195276', default: 'yes' }, 'default must be a boolean'],
      [{ number: '+13392195276', default: null }, 'default must be a boolean'],
      [{ number: '+13392195276', e164: '+13392195276' }, 'property e164 should not exist'],
      [{ number: '+13392195276', id: 3 }, 'property id should not exist'],
    ])('refuses %j: %s', async (body, message) => {
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });
  });

  describe('GET /outbound_numbers', () => {
    it('lists by id with paging headers', async () => {
      const company = await t.createCompany();
      const numbers: OutboundNumberJson[] = [];
      for (let i = 0; i < 3; i++) numbers.push(await createOutboundNumber(t, company));
      const first = await t.get(`${URL}?per=2`, company);
      expect(first.status).toBe(200);
      expect(first.body).toEqual(numbers.slice(0, 2));
      expect(first.headers.total).toBe('3');
      expect(first.headers['per-page']).toBe('2');
      expect(first.headers.link).toMatch(/<[^>]*\/outbound_numbers\?per=2&page=2>; rel="next"/);
      const second = await t.get(`${URL}?per=2&page=2`, company);
      expect(second.body).toEqual(numbers.slice(2));
      expect(second.headers.link).not.toContain('rel="next"');
    });

    it.each([['per=0'], ['per=101'], ['page=0'], ['page=-1'], ['per=abc']])('refuses ?%s', async (query) => {
      const res = await t.get(`${URL}?${query}`, acme);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^(page|per) must be a whole number/);
    });
  });

  describe('PATCH /outbound_numbers/:id', () => {
    it('changes the number and the default flag', async () => {
      const company = await t.createCompany();
      const a = await createOutboundNumber(t, company, { default: true });
      const b = await createOutboundNumber(t, company);

      const renumbered = await t.patch(`${URL}/${b.id}`, { number: ' +44 20 7946 0958 ' }, company);
      expect(renumbered.status).toBe(200);
      expect(renumbered.body).toEqual({ id: b.id, number: '+44 20 7946 0958', default: false });

      const promoted = await t.patch(`${URL}/${b.id}`, { default: true }, company);
      expect(promoted.body).toEqual({ id: b.id, number: '+44 20 7946 0958', default: true });
      expect((await t.get(`${URL}/${a.id}`, company)).body.default).toBe(false);

      // setting the default on the default is no change
      expect((await t.patch(`${URL}/${b.id}`, { default: true }, company)).body.default).toBe(true);
      // clearing it leaves the company without a default
      expect((await t.patch(`${URL}/${b.id}`, { default: false }, company)).body.default).toBe(false);
      expect((await all(company)).some((n) => n.default)).toBe(false);
      // {} changes nothing
      expect((await t.patch(`${URL}/${a.id}`, {}, company)).body).toEqual({ ...a, default: false });
    });

    it('may rewrite a number in another format of itself, but not take another number (409)', async () => {
      const company = await t.createCompany();
      const a = await createOutboundNumber(t, company, { number: '+1 339-219-5276' });
      const b = await createOutboundNumber(t, company);
      expect((await t.patch(`${URL}/${a.id}`, { number: '+13392195276' }, company)).body.number).toBe('+13392195276');
      const res = await t.patch(`${URL}/${b.id}`, { number: '+1 (339) 219-5276' }, company);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'Outbound number +13392195276 already exists' });
    });

    it('validates as on create, null included', async () => {
      const number = await createOutboundNumber(t, acme);
      for (const [body, message] of [
        [{ number: null }, 'number is not well formed'],
        [{ number: 'abc' }, 'number is not well formed'],
        [{ default: null }, 'default must be a boolean'],
        [{ default: 1 }, 'default must be a boolean'],
        [{ id: 1 }, 'property id should not exist'],
      ] as const) {
        const res = await t.patch(`${URL}/${number.id}`, body, acme);
        expect([body, res.status, res.body]).toEqual([body, 400, { error: expect.any(String), status: expect.any(Number), message }]);
      }
      expect((await t.get(`${URL}/${number.id}`, acme)).body).toEqual(number);
    });
  });

  describe('DELETE /outbound_numbers/:id', () => {
    it('deletes the number; deleting the default leaves no default', async () => {
      const company = await t.createCompany();
      const a = await createOutboundNumber(t, company, { default: true });
      const b = await createOutboundNumber(t, company);
      const res = await t.delete(`${URL}/${a.id}`, company);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect((await t.get(`${URL}/${a.id}`, company)).status).toBe(404);
      expect(await all(company)).toEqual([b]);
      expect((await t.delete(`${URL}/${a.id}`, company)).status).toBe(404);
      // the number may be added again
      expect((await t.post(URL, { number: a.number }, company)).status).toBe(201);
    });
  });

  describe('tenancy', () => {
    it('answers 404 for another company’s number (or an unknown id) on every route', async () => {
      const globex = await t.createCompany();
      const foreign = await createOutboundNumber(t, globex, { default: true });
      for (const id of [String(foreign.id), '999999999', 'abc', '0']) {
        const message = { message: `Outbound number ${id} is not found` };
        expect(await t.get(`${URL}/${id}`, acme)).toMatchObject({ status: 404, body: message });
        expect(await t.patch(`${URL}/${id}`, { default: true }, acme)).toMatchObject({ status: 404, body: message });
        expect(await t.delete(`${URL}/${id}`, acme)).toMatchObject({ status: 404, body: message });
      }
      expect((await t.get(`${URL}/${foreign.id}`, globex)).body).toEqual(foreign);
      expect((await all(acme)).map((n) => n.id)).not.toContain(foreign.id);
    });

    it("does not clear another company's default", async () => {
      const [one, two] = [await t.createCompany(), await t.createCompany()];
      const mine = await createOutboundNumber(t, one, { default: true });
      await createOutboundNumber(t, two, { default: true });
      expect((await t.get(`${URL}/${mine.id}`, one)).body.default).toBe(true);
    });
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.get('/docs/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining([URL, `${URL}/{id}`]));
    expect(Object.keys(res.body.paths[`${URL}/{id}`])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
  });
});
