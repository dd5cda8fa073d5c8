import { ContactJson, createContact } from './factories';
import { TestApp, TestCompany } from './support/test-app';

const URL = '/manager/api/v1/contacts';

describe('the Manager API: contacts', () => {
  let t: TestApp;
  let acme: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany();
  });
  afterAll(() => t.close());

  describe('POST /contacts', () => {
    it('creates a contact: numbers in E.164, each once, in the order given', async () => {
      const body = {
        ticket_id: '71450',
        out_contact_id: '381630957514',
        phone_numbers: ['+1 859-657-9625', '+82-10-6861-2345', '+18596579625', ' +1 (859) 657.9625 '],
        out_ticket_url: 'https://crm.example.com/tickets/71450',
      };
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...body, id: expect.any(Number), phone_numbers: ['+18596579625', '+821068612345'] });
      expect((await t.get(`${URL}/${res.body.id}`, acme)).body).toEqual(res.body);
    });

    it('leaves the optional fields null', async () => {
      const res = await t.post(URL, { ticket_id: 'T-1', phone_numbers: ['+12051234567'] }, acme);
      expect(res.body).toEqual({ id: expect.any(Number), ticket_id: 'T-1', out_contact_id: null, phone_numbers: ['+12051234567'], out_ticket_url: null });
    });

    it('reads a JSON number as its decimal string', async () => {
      const res = await t.post(URL, { ticket_id: 90210, out_contact_id: 381630957515, phone_numbers: ['+12051234567'] }, acme);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ ticket_id: '90210', out_contact_id: '381630957515' });
      // and then it is the same ticket as the string
      const again = await t.post(URL, { ticket_id: '90210', phone_numbers: ['+12051234567'] }, acme);
      expect(again.status).toBe(409);
      // as the Calls API reads one: String(number)
      expect((await t.post(URL, { ticket_id: 12.5, phone_numbers: ['+12051234567'] }, acme)).body.ticket_id).toBe('12.5');
    });

    it('refuses a ticket_id in use in the company (409), not in another company', async () => {
      await createContact(t, acme, { ticket_id: 'DUP-1' });
      const res = await t.post(URL, { ticket_id: 'DUP-1', phone_numbers: ['+12051234567'] }, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: "A contact with ticket_id 'DUP-1' already exists" });
      // ticket ids are compared exactly
      expect((await t.post(URL, { ticket_id: 'dup-1', phone_numbers: ['+12051234567'] }, acme)).status).toBe(201);
      expect((await t.post(URL, { ticket_id: 'DUP-1', phone_numbers: ['+12051234567'] }, await t.createCompany())).status).toBe(201);
    });

    it('answers one 201 and 409s when the same ticket is created at once', async () => {
      const results = await Promise.all(Array.from({ length: 4 }, () => t.post(URL, { ticket_id: 'RACE-1', phone_numbers: ['+12051234567'] }, acme)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    });

    const ok = { ticket_id: 'V-1', phone_numbers: ['+12051234567'] };
    it.each([
      [{ phone_numbers: ['+12051234567'] }, 'ticket_id must be a string or a number'],
      [{ ...ok, ticket_id: null }, 'ticket_id must be a string or a number'],
      [{ ...ok, ticket_id: true }, 'ticket_id must be a string or a number'],
      [{ ...ok, ticket_id: ['71450'] }, 'ticket_id must be a string or a number'],
      [{ ...ok, ticket_id: { id: 1 } }, 'ticket_id must be a string or a number'],
      [{ ...ok, ticket_id: '' }, 'ticket_id must not be blank'],
      [{ ...ok, ticket_id: '  ' }, 'ticket_id must not be blank'],
      [{ ...ok, ticket_id: 'x'.repeat(256) }, 'ticket_id must be at most 255 characters'],
      [{ ...ok, out_contact_id: false }, 'out_contact_id must be a string or a number'],
      [{ ...ok, out_contact_id: '' }, 'out_contact_id must not be blank'],
      [{ ...ok, out_contact_id: 'x'.repeat(256) }, 'out_contact_id must be at most 255 characters'],
      [{ ticket_id: 'V-1' }, 'phone_numbers must be a non-empty array of phone numbers'],
      [{ ...ok, phone_numbers: null }, 'phone_numbers must be a non-empty array of phone numbers'],
      [{ ...ok, phone_numbers: [] }, 'phone_numbers must be a non-empty array of phone numbers'],
      [{ ...ok, phone_numbers: '+12051234567' }, 'phone_numbers must be a non-empty array of phone numbers'],
      [{ ...ok, phone_numbers: ['+12051234567', '123123'] }, 'phone_numbers[1] is not well formed'],
      [{ ...ok, phone_numbers: ['+1 999-657-12'] }, 'phone_numbers[0] is not well formed'],
      [{ ...ok, phone_numbers: [12051234567] }, 'phone_numbers[0] is not well formed'],
      [{ ...ok, phone_numbers: [null] }, 'phone_numbers[0] is not well formed'],
      [{ ...ok, phone_numbers: Array(21).fill('+12051234567') }, 'phone_numbers may hold at most 20 numbers'],
      [{ ...ok, out_ticket_url: 'crm.example.com/t/1' }, 'out_ticket_url must be an http(s) URL'],
      [{ ...ok, out_ticket_url: 'javascript:alert(1)' }, 'out_ticket_url must be an http(s) URL'],
      [{ ...ok, out_ticket_url: 42 }, 'out_ticket_url must be an http(s) URL'],
      [{ ...ok, out_ticket_url: `https://crm.example.com/${'x'.repeat(2000)}` }, 'out_ticket_url must be at most 2000 characters'],
      [{ ...ok, out_ticket_id: '1' }, 'property out_ticket_id should not exist'],
    ].map(([body, message]) => [brief(body), body, message]))('refuses %s: %s', async (_, body, message) => {
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });
  });

  describe('GET /contacts', () => {
    let company: TestCompany;
    let contacts: ContactJson[];

    beforeAll(async () => {
      company = await t.createCompany();
      contacts = [];
      for (let i = 0; i < 3; i++) contacts.push(await createContact(t, company, { ticket_id: `L-${i}` }));
    });

    it('lists by id with paging headers', async () => {
      const first = await t.get(`${URL}?per=2`, company);
      expect(first.status).toBe(200);
      expect(first.body).toEqual(contacts.slice(0, 2));
      expect(first.headers.total).toBe('3');
      expect(first.headers['per-page']).toBe('2');
      expect(first.headers.link).toMatch(/<[^>]*\/contacts\?per=2&page=2>; rel="next"/);
      const last = await t.get(`${URL}?per=2&page=2`, company);
      expect(last.body).toEqual(contacts.slice(2));
      expect(last.headers.link).not.toContain('rel="next"');
    });

    it('filters by ticket_id', async () => {
      const res = await t.get(`${URL}?ticket_id=L-1`, company);
      expect(res.body).toEqual([contacts[1]]);
      expect(res.headers.total).toBe('1');
      expect((await t.get(`${URL}?ticket_id=nope`, company)).body).toEqual([]);
      // and keeps the filter in the Link header
      expect(res.headers.link).toContain('ticket_id=L-1');
    });

    it.each([
      ['ticket_id=', 'ticket_id must be a single non-empty value'],
      ['ticket_id=a&ticket_id=b', 'ticket_id must be a single non-empty value'],
      ['per=0', 'per must be a whole number from 1 to 100'],
      ['per=101', 'per must be a whole number from 1 to 100'],
      ['page=0', 'page must be a whole number from 1'],
    ])('refuses ?%s', async (query, message) => {
      const res = await t.get(`${URL}?${query}`, company);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });
  });

  describe('PATCH /contacts/:id', () => {
    it('changes any field but id, and clears the optional ones with null', async () => {
      const contact = await createContact(t, acme, { out_contact_id: 'C-1', out_ticket_url: 'https://crm.example.com/t/1' });
      const res = await t.patch(`${URL}/${contact.id}`, { ticket_id: 555, phone_numbers: ['+44 20 7946 0958', '+442079460958'], out_ticket_url: null }, acme);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: contact.id, ticket_id: '555', out_contact_id: 'C-1', phone_numbers: ['+442079460958'], out_ticket_url: null });
      expect((await t.patch(`${URL}/${contact.id}`, { out_contact_id: null }, acme)).body.out_contact_id).toBeNull();
      expect((await t.patch(`${URL}/${contact.id}`, {}, acme)).body).toEqual({ ...res.body, out_contact_id: null });
    });

    it('refuses a ticket_id in use (409), but keeping its own is fine', async () => {
      const a = await createContact(t, acme);
      const b = await createContact(t, acme);
      const res = await t.patch(`${URL}/${b.id}`, { ticket_id: a.ticket_id }, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `A contact with ticket_id '${a.ticket_id}' already exists` });
      expect((await t.patch(`${URL}/${a.id}`, { ticket_id: a.ticket_id }, acme)).status).toBe(200);
    });

    it('refuses null where a value is needed, and bad values', async () => {
      const contact = await createContact(t, acme);
      for (const [body, message] of [
        [{ ticket_id: null }, 'ticket_id must be a string or a number'],
        [{ phone_numbers: null }, 'phone_numbers must be a non-empty array of phone numbers'],
        [{ phone_numbers: [] }, 'phone_numbers must be a non-empty array of phone numbers'],
        [{ phone_numbers: ['nope'] }, 'phone_numbers[0] is not well formed'],
        [{ out_ticket_url: 'ftp://x.example.com' }, 'out_ticket_url must be an http(s) URL'],
        [{ id: 2 }, 'property id should not exist'],
      ] as const) {
        const res = await t.patch(`${URL}/${contact.id}`, body, acme);
        expect([body, res.status, res.body]).toEqual([body, 400, { error: expect.any(String), status: expect.any(Number), message }]);
      }
      expect((await t.get(`${URL}/${contact.id}`, acme)).body).toEqual(contact);
    });
  });

  describe('DELETE /contacts/:id', () => {
    it('deletes the contact, and frees its ticket_id', async () => {
      const contact = await createContact(t, acme);
      const res = await t.delete(`${URL}/${contact.id}`, acme);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect((await t.get(`${URL}/${contact.id}`, acme)).status).toBe(404);
      expect((await t.delete(`${URL}/${contact.id}`, acme)).status).toBe(404);
      expect((await t.post(URL, { ticket_id: contact.ticket_id, phone_numbers: ['+12051234567'] }, acme)).status).toBe(201);
    });
  });

  describe('tenancy', () => {
    it('answers 404 for another company’s contact (or an unknown id) on every route, and never lists it', async () => {
      const globex = await t.createCompany();
      const foreign = await createContact(t, globex, { ticket_id: 'FOREIGN-1' });
      for (const id of [String(foreign.id), '999999999', 'abc']) {
        const message = { message: `Contact ${id} is not found` };
        expect(await t.get(`${URL}/${id}`, acme)).toMatchObject({ status: 404, body: message });
        expect(await t.patch(`${URL}/${id}`, { out_contact_id: 'x' }, acme)).toMatchObject({ status: 404, body: message });
        expect(await t.delete(`${URL}/${id}`, acme)).toMatchObject({ status: 404, body: message });
      }
      expect((await t.get(`${URL}?ticket_id=FOREIGN-1`, acme)).body).toEqual([]);
      expect((await t.get(`${URL}/${foreign.id}`, globex)).body).toEqual(foreign);
    });
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.get('/docs/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining([URL, `${URL}/{id}`]));
    expect(res.body.components.schemas.CreateContactDto.required).toEqual(expect.arrayContaining(['ticket_id', 'phone_numbers']));
  });
});

// A test title for a request body: its JSON, cut short.
function brief(body: unknown): string {
  const json = JSON.stringify(body);
  return json.length > 90 ? `${json.slice(0, 90)}…` : json;
}
