import { CallMessages } from '../src/calls/call-errors';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { TestApp } from './support/test-app';

// GET and PATCH /apps/api/v1/calls/:id/customer_flag.
const ALL_FALSE = { verified_customer: false, bad_actor: false, repeat_customer: false };

describe('customer flags', () => {
  let t: TestApp;
  let f: CallFixtures;
  let callId: number;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());
  beforeEach(async () => {
    f = await seedCallFixtures(t);
    const call = await t.post('/apps/api/v1/calls', { call_type: 'Voice Inbound (API)', menu_id: f.menus.ivrLeaf, end_user_number: '+1 859-657-9625' }, f.company);
    callId = call.body.id;
  });

  const url = (id: number | string = callId) => `/apps/api/v1/calls/${id}/customer_flag`;
  const read = async () => (await t.get(url(), f.company)).body;

  it('answers all three flags false until one is set', async () => {
    const res = await t.get(url(), f.company);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ALL_FALSE);
  });

  it.each<[string, Record<string, boolean>, Record<string, boolean>]>([
    ['one flag', { bad_actor: true }, { ...ALL_FALSE, bad_actor: true }],
    ['two flags', { verified_customer: true, repeat_customer: true }, { verified_customer: true, bad_actor: false, repeat_customer: true }],
    ['all three', { verified_customer: true, bad_actor: true, repeat_customer: true }, { verified_customer: true, bad_actor: true, repeat_customer: true }],
    ['the seed spelling repeat_customers', { repeat_customers: true }, { ...ALL_FALSE, repeat_customer: true }],
    ['no flag at all', {}, ALL_FALSE],
  ])('PATCH of %s answers the whole object and stores it', async (_name, patch, expected) => {
    const res = await t.patch(url(), patch, f.company);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect(await read()).toEqual(expected);
  });

  it('PATCH changes only the flags it names', async () => {
    await t.patch(url(), { verified_customer: true, bad_actor: true }, f.company);
    const res = await t.patch(url(), { bad_actor: false, repeat_customers: true }, f.company);
    expect(res.body).toEqual({ verified_customer: true, bad_actor: false, repeat_customer: true });
    expect(await read()).toEqual({ verified_customer: true, bad_actor: false, repeat_customer: true });
  });

  it('keeps the flags of each call apart', async () => {
    const other = await t.post('/apps/api/v1/calls', { call_type: 'Voice Inbound (API)', menu_id: f.menus.ivrLeaf, end_user_number: '+1 859-657-9625' }, f.company);
    await t.patch(url(), { bad_actor: true }, f.company);
    expect((await t.get(url(other.body.id), f.company)).body).toEqual(ALL_FALSE);
  });

  describe('a bad PATCH is 400 and changes nothing', () => {
    it.each<[string, unknown, string]>([
      ['a string for a boolean', { bad_actor: 'true' }, CallMessages.customerFlagNotBoolean('bad_actor')],
      ['a number for a boolean', { verified_customer: 1 }, CallMessages.customerFlagNotBoolean('verified_customer')],
      ['null for a boolean', { repeat_customer: null }, CallMessages.customerFlagNotBoolean('repeat_customer')],
      ['an object for the alias', { repeat_customers: { value: true } }, CallMessages.customerFlagNotBoolean('repeat_customers')],
      ['an unknown field', { vip: true }, CallMessages.customerFlagUnknownField('vip')],
      ['a field of the call', { status: 'finished' }, CallMessages.customerFlagUnknownField('status')],
      ['a valid flag before a non-boolean', { verified_customer: true, bad_actor: 'yes' }, CallMessages.customerFlagNotBoolean('bad_actor')],
      ['a valid flag before an unknown field', { bad_actor: true, repeat_customer: true, extra: false }, CallMessages.customerFlagUnknownField('extra')],
      ['an unknown field before a valid flag', { extra: false, bad_actor: true }, CallMessages.customerFlagUnknownField('extra')],
      ['an array body', [{ bad_actor: true }], CallMessages.bodyNotObject],
      ['a string body', 'bad_actor', CallMessages.bodyNotObject],
    ])('%s', async (_name, body, message) => {
      await t.patch(url(), { verified_customer: true }, f.company);
      const res = await t.request('PATCH', url(), { rawBody: JSON.stringify(body), auth: f.company });
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message } });
      expect(await read()).toEqual({ ...ALL_FALSE, verified_customer: true });
    });
  });

  describe('an unknown call is 404', () => {
    it.each([
      ['GET', 'an id no call has', '987654321'],
      ['PATCH', 'an id no call has', '987654321'],
      ['GET', 'a non-numeric id', 'abc'],
      ['PATCH', 'a non-numeric id', 'abc'],
    ])('%s with %s', async (method, _name, id) => {
      const res = await t.request(method, url(id), { body: method === 'PATCH' ? { bad_actor: true } : undefined, auth: f.company });
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: `Call ${id} is not found` } });
    });

    it('also for a PATCH whose body is bad', async () => {
      const res = await t.patch(url(987654321), { bad_actor: 'yes' }, f.company);
      expect(res.status).toBe(404);
    });

    it("for another company's call, which keeps its flags", async () => {
      const g = await seedCallFixtures(t);
      await t.patch(url(), { bad_actor: true }, f.company);
      for (const method of ['GET', 'PATCH']) {
        const res = await t.request(method, url(), { body: method === 'PATCH' ? { bad_actor: false, verified_customer: true } : undefined, auth: g.company });
        expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: `Call ${callId} is not found` } });
      }
      expect(await read()).toEqual({ ...ALL_FALSE, bad_actor: true });
    });
  });

  it('needs credentials', async () => {
    const res = await t.patch(url(), { bad_actor: true });
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' } });
    expect(await read()).toEqual(ALL_FALSE);
  });
});
