import { AgentJson, createAgent } from './factories';
import { TestApp, TestCompany } from './support/test-app';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const URL = '/manager/api/v1/agents';

describe('the Manager API: agents', () => {
  let t: TestApp;
  let acme: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany();
  });
  afterAll(() => t.close());

  describe('POST /agents', () => {
    it('creates an agent with the defaults', async () => {
      const res = await t.post(URL, { email: 'alice@acme.example', first_name: 'Alice', last_name: 'Archer' }, acme);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        email: 'alice@acme.example',
        name: 'Alice Archer',
        first_name: 'Alice',
        last_name: 'Archer',
        middle_name: null,
        agent_number: null,
        avatar_url: null,
        can_make_calls: true,
        status: { id: expect.any(Number), name: 'Available', color: '#2ecc71', wfm_id: null },
        availability: 'available',
        status_updated_at: expect.stringMatching(ISO_MS),
        created_at: expect.stringMatching(ISO_MS),
        last_login_time: null,
        online: true,
        roles: ['agent'],
        teams: [],
        channels: [],
        call_count: 0,
        chat_count: 0,
        crm_authenticated: false,
        location: null,
        wrap_up: false,
      });
      expect((await t.get(`${URL}/${res.body.id}`, acme)).body).toEqual(res.body);
    });

    it('stores every field given', async () => {
      const body = {
        email: 'bob@acme.example',
        first_name: 'Bob',
        last_name: 'Baker',
        agent_number: '1002',
        avatar_url: 'https://cdn.example.com/bob.png',
        can_make_calls: false,
        status: 'away',
      };
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(201);
      const { status, ...rest } = body;
      expect(res.body).toMatchObject({ ...rest, id: expect.any(Number), name: 'Bob Baker', availability: status, status: { name: 'Away' }, online: true });
    });

    it('accepts null for the optional nullable fields', async () => {
      const res = await t.post(URL, { email: 'nul@acme.example', first_name: 'N', last_name: 'L', agent_number: null, avatar_url: null }, acme);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ agent_number: null, avatar_url: null });
    });

    it('refuses an e-mail in use in the company, whatever its case (409)', async () => {
      await createAgent(t, acme, { email: 'Carol@Acme.example' });
      for (const email of ['Carol@Acme.example', 'carol@acme.example', 'CAROL@ACME.EXAMPLE']) {
        const res = await t.post(URL, { email, first_name: 'C', last_name: 'C' }, acme);
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `An agent with email '${email}' already exists` });
      }
      // another company may use it
      expect((await t.post(URL, { email: 'carol@acme.example', first_name: 'C', last_name: 'C' }, await t.createCompany())).status).toBe(201);
    });

    it('answers one 201 and 409s when the same e-mail is created at once', async () => {
      const results = await Promise.all(['race@acme.example', 'RACE@acme.example', 'Race@Acme.Example'].map((email) => t.post(URL, { email, first_name: 'R', last_name: 'R' }, acme)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });

    const ok = { email: 'valid@acme.example', first_name: 'Val', last_name: 'Id' };
    it.each([
      [{ first_name: 'A', last_name: 'B' }, 'email must be an e-mail address'],
      [{ ...ok, email: null }, 'email must be an e-mail address'],
      [{ ...ok, email: 42 }, 'email must be an e-mail address'],
      [{ ...ok, email: ['a@b.example'] }, 'email must be an e-mail address'],
      [{ ...ok, email: 'not-an-email' }, 'email must be an e-mail address'],
      [{ ...ok, email: '' }, 'email must be an e-mail address'],
      [{ ...ok, email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example` }, 'email must be an e-mail address'],
      [{ ...ok, first_name: undefined }, 'first_name must be a string'],
      [{ ...ok, first_name: null }, 'first_name must be a string'],
      [{ ...ok, first_name: 7 }, 'first_name must be a string'],
      [{ ...ok, first_name: '' }, 'first_name must not be blank'],
      [{ ...ok, first_name: '   ' }, 'first_name must not be blank'],
      [{ ...ok, first_name: 'x'.repeat(101) }, 'first_name must be at most 100 characters'],
      [{ ...ok, last_name: undefined }, 'last_name must be a string'],
      [{ ...ok, last_name: ['Id'] }, 'last_name must be a string'],
      [{ ...ok, last_name: '' }, 'last_name must not be blank'],
      [{ ...ok, last_name: 'x'.repeat(101) }, 'last_name must be at most 100 characters'],
      [{ ...ok, agent_number: 1001 }, 'agent_number must be a string of digits'],
      [{ ...ok, agent_number: '' }, 'agent_number must be 1 to 15 digits'],
      [{ ...ok, agent_number: 'A-12' }, 'agent_number must be 1 to 15 digits'],
      [{ ...ok, agent_number: ' 12' }, 'agent_number must be 1 to 15 digits'],
      [{ ...ok, agent_number: '1'.repeat(16) }, 'agent_number must be 1 to 15 digits'],
      [{ ...ok, avatar_url: 'not a url' }, 'avatar_url must be an http(s) URL'],
      [{ ...ok, avatar_url: 'ftp://cdn.example.com/a.png' }, 'avatar_url must be an http(s) URL'],
      [{ ...ok, avatar_url: 5 }, 'avatar_url must be an http(s) URL'],
      [{ ...ok, avatar_url: `https://cdn.example.com/${'a'.repeat(2000)}` }, 'avatar_url must be at most 2000 characters'],
      [{ ...ok, can_make_calls: 'true' }, 'can_make_calls must be a boolean'],
      [{ ...ok, can_make_calls: null }, 'can_make_calls must be a boolean'],
      [{ ...ok, status: 'lunch' }, 'status must be one of available, busy, away, offline'],
      [{ ...ok, status: null }, 'status must be one of available, busy, away, offline'],
      [{ ...ok, status: 'AVAILABLE' }, 'status must be one of available, busy, away, offline'],
      [{ ...ok, name: 'Val Id' }, 'property name should not exist'],
      [{ ...ok, id: 9 }, 'property id should not exist'],
    ].map(([body, message]) => [brief(body), body, message]))('refuses %s: %s', async (_, body, message) => {
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });

    it('refuses a body that is not a JSON object, or not JSON', async () => {
      for (const rawBody of ['[]', 'null', '42', '"alice"', '{"email":']) {
        const res = await t.request('POST', URL, { rawBody, auth: acme, headers: { 'content-type': 'application/json' } });
        expect([rawBody, res.status]).toEqual([rawBody, 400]);
      }
    });
  });

  describe('GET /agents', () => {
    let company: TestCompany;
    let agents: AgentJson[];

    beforeAll(async () => {
      company = await t.createCompany();
      agents = [];
      for (let i = 0; i < 5; i++) agents.push(await createAgent(t, company));
    });

    it('lists all agents by id, 100 a page by default', async () => {
      const res = await t.get(URL, company);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(agents);
      expect(res.headers.total).toBe('5');
      expect(res.headers['per-page']).toBe('100');
      expect(res.headers.link).not.toContain('rel="next"');
    });

    it('pages with page and per, with total, per-page and Link headers', async () => {
      const first = await t.get(`${URL}?per=2`, company);
      expect(first.body).toEqual(agents.slice(0, 2));
      expect(first.headers.total).toBe('5');
      expect(first.headers['per-page']).toBe('2');
      const links = parseLinks(first.headers.link as string);
      expect(links.next).toMatch(/\/agents\?per=2&page=2$/);
      expect(links.last).toMatch(/\/agents\?per=2&page=3$/);
      expect(links.prev).toBeUndefined();

      const second = await t.get(`${URL}?per=2&page=2`, company);
      expect(second.body).toEqual(agents.slice(2, 4));
      expect(parseLinks(second.headers.link as string)).toMatchObject({ next: expect.stringMatching(/page=3$/), prev: expect.stringMatching(/page=1$/) });

      const third = await t.get(`${URL}?per=2&page=3`, company);
      expect(third.body).toEqual(agents.slice(4));
      expect(parseLinks(third.headers.link as string).next).toBeUndefined();

      const beyond = await t.get(`${URL}?per=2&page=4`, company);
      expect(beyond.status).toBe(200);
      expect(beyond.body).toEqual([]);
      expect(beyond.headers.total).toBe('5');
    });

    it('accepts per from 1 to 100', async () => {
      expect((await t.get(`${URL}?per=1`, company)).body).toEqual(agents.slice(0, 1));
      expect((await t.get(`${URL}?per=100`, company)).body).toEqual(agents);
    });

    it.each([
      ['per=0', 'per must be a whole number from 1 to 100'],
      ['per=101', 'per must be a whole number from 1 to 100'],
      ['per=-1', 'per must be a whole number from 1 to 100'],
      ['per=2.5', 'per must be a whole number from 1 to 100'],
      ['per=ten', 'per must be a whole number from 1 to 100'],
      ['per=1&per=2', 'per must be a whole number from 1 to 100'],
      ['page=0', 'page must be a whole number from 1'],
      ['page=-2', 'page must be a whole number from 1'],
      ['page=one', 'page must be a whole number from 1'],
      ['page=99999999999999999999', 'page must be a whole number from 1'],
    ])('refuses ?%s', async (query, message) => {
      const res = await t.get(`${URL}?${query}`, company);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });
  });

  describe('GET /agents/:id', () => {
    it('answers 404 naming the id for an unknown or malformed id', async () => {
      for (const id of ['999999999', 'abc', '0', '-1', '1e3', '99999999999999999999999']) {
        const res = await t.get(`${URL}/${id}`, acme);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Agent ${id} is not found` });
      }
    });
  });

  describe('PATCH /agents/:id', () => {
    it('changes any field but id; name follows first and last name', async () => {
      const agent = await createAgent(t, acme, { agent_number: '7', avatar_url: 'https://cdn.example.com/x.png' });
      const changes = { email: 'renamed@acme.example', first_name: 'Dana', last_name: 'Diaz', can_make_calls: false, status: 'offline' };
      const res = await t.patch(`${URL}/${agent.id}`, changes, acme);
      expect(res.status).toBe(200);
      const { status, ...rest } = changes;
      expect(res.body).toEqual({
        ...agent,
        ...rest,
        name: 'Dana Diaz',
        availability: status,
        status: { id: expect.any(Number), name: 'Offline', color: '#95a5a6', wfm_id: null },
        online: false,
        status_updated_at: expect.any(String),
      });
      expect(res.body.status_updated_at > agent.status_updated_at).toBe(true);
      expect((await t.get(`${URL}/${agent.id}`, acme)).body).toEqual(res.body);

      const cleared = await t.patch(`${URL}/${agent.id}`, { agent_number: null, avatar_url: null }, acme);
      expect(cleared.body).toMatchObject({ agent_number: null, avatar_url: null });
      expect((await t.patch(`${URL}/${agent.id}`, {}, acme)).body).toEqual(cleared.body);
    });

    it('refuses another agent’s e-mail in any case (409), but its own in another case is fine', async () => {
      const a = await createAgent(t, acme, { email: 'erin@acme.example' });
      const b = await createAgent(t, acme);
      const res = await t.patch(`${URL}/${b.id}`, { email: 'ERIN@acme.example' }, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: "An agent with email 'ERIN@acme.example' already exists" });
      const own = await t.patch(`${URL}/${a.id}`, { email: 'Erin@Acme.example' }, acme);
      expect(own.status).toBe(200);
      expect(own.body.email).toBe('Erin@Acme.example');
    });

    it('refuses null for the fields that cannot be null, and bad values, changing nothing', async () => {
      const agent = await createAgent(t, acme);
      for (const [body, message] of [
        [{ email: null }, 'email must be an e-mail address'],
        [{ first_name: null }, 'first_name must be a string'],
        [{ last_name: null }, 'last_name must be a string'],
        [{ can_make_calls: null }, 'can_make_calls must be a boolean'],
        [{ status: null }, 'status must be one of available, busy, away, offline'],
        [{ status: 'lunch' }, 'status must be one of available, busy, away, offline'],
        [{ first_name: '' }, 'first_name must not be blank'],
        [{ email: 'nope' }, 'email must be an e-mail address'],
        [{ id: 1 }, 'property id should not exist'],
        [{ name: 'X Y' }, 'property name should not exist'],
      ] as const) {
        const res = await t.patch(`${URL}/${agent.id}`, body, acme);
        expect([body, res.status, res.body]).toEqual([body, 400, { error: expect.any(String), status: expect.any(Number), message }]);
      }
      expect((await t.get(`${URL}/${agent.id}`, acme)).body).toEqual(agent);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await t.patch(`${URL}/999999999`, { first_name: 'X' }, acme);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'Agent 999999999 is not found' });
    });
  });

  describe('tenancy', () => {
    it('never shows, lists or changes another company’s agent', async () => {
      const globex = await t.createCompany();
      const foreign = await createAgent(t, globex);
      const read = await t.get(`${URL}/${foreign.id}`, acme);
      expect(read.status).toBe(404);
      expect(read.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Agent ${foreign.id} is not found` });
      const patched = await t.patch(`${URL}/${foreign.id}`, { first_name: 'Hijacked' }, acme);
      expect(patched.status).toBe(404);
      expect((await t.get(`${URL}/${foreign.id}`, globex)).body).toEqual(foreign);
      expect(((await t.get(`${URL}?per=100`, acme)).body as AgentJson[]).map((a) => a.id)).not.toContain(foreign.id);
    });

    it('answers 401 without credentials', async () => {
      expect((await t.get(URL)).status).toBe(401);
      expect((await t.post(URL, { email: 'x@y.example', first_name: 'X', last_name: 'Y' })).status).toBe(401);
    });
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.get('/docs/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining([URL, `${URL}/{id}`]));
    expect(res.body.components.schemas.AgentResponse.properties).toHaveProperty('name');
  });
});

function parseLinks(header: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of header.split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
    if (match) links[match[2]] = match[1];
  }
  return links;
}

// A test title for a request body: its JSON, cut short.
function brief(body: unknown): string {
  const json = JSON.stringify(body);
  return json.length > 90 ? `${json.slice(0, 90)}…` : json;
}
