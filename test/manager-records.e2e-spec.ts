import { createAgent, createMenu } from './factories';
import { seedCallFixtures } from './support/call-fixtures';
import { callIn, eventsUrl } from './support/lifecycle-fixtures';
import { TestApp, TestCompany } from './support/test-app';

const API = '/manager/api/v1';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BUILT_IN = [
  { name: 'Available', color: '#2ecc71', availability: 'available' },
  { name: 'Busy', color: '#e74c3c', availability: 'busy' },
  { name: 'Away', color: '#f1c40f', availability: 'away' },
  { name: 'Offline', color: '#95a5a6', availability: 'offline' },
];

// The Manager API's records as CCAI data pipelines read them (issue 16).
describe('the Manager API records', () => {
  let t: TestApp;
  let acme: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany();
  });
  afterAll(() => t.close());

  describe('user statuses', () => {
    it('seeds the four built-in statuses with every company', async () => {
      const res = await t.get(`${API}/user_statuses`, await t.createCompany());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(BUILT_IN.map((s) => ({ ...s, id: expect.any(Number), wfm_id: null, built_in: true })));
      expect(res.headers.total).toBe('4');
    });

    it('creates, reads, changes and deletes a custom status; built-in ones cannot be deleted', async () => {
      const company = await t.createCompany();
      const created = await t.post(`${API}/user_statuses`, { name: 'Lunch', color: '#3498DB', wfm_id: 17 }, company);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(Number), name: 'Lunch', color: '#3498db', wfm_id: 17, availability: 'away', built_in: false });
      expect((await t.get(`${API}/user_statuses/${created.body.id}`, company)).body).toEqual(created.body);

      const changed = await t.patch(`${API}/user_statuses/${created.body.id}`, { name: 'Long lunch', availability: 'offline', wfm_id: null }, company);
      expect(changed.body).toMatchObject({ name: 'Long lunch', availability: 'offline', wfm_id: null });

      const taken = await t.post(`${API}/user_statuses`, { name: 'long LUNCH', color: '#000000' }, company);
      expect(taken.status).toBe(409);
      expect(taken.body).toEqual({ message: "A user status named 'long LUNCH' already exists", error: 'user_status_name_taken', status: 409 });

      const [available] = (await t.get(`${API}/user_statuses`, company)).body;
      expect((await t.delete(`${API}/user_statuses/${available.id}`, company)).body).toEqual({
        message: `User status ${available.id} is built in and cannot be deleted`,
        error: 'user_status_built_in',
        status: 409,
      });
      expect((await t.patch(`${API}/user_statuses/${available.id}`, { availability: 'away' }, company)).status).toBe(400);
      expect((await t.patch(`${API}/user_statuses/${available.id}`, { name: 'Ready', color: '#00ff00' }, company)).body).toMatchObject({ name: 'Ready', color: '#00ff00', availability: 'available' });

      expect((await t.delete(`${API}/user_statuses/${created.body.id}`, company)).status).toBe(204);
      expect((await t.get(`${API}/user_statuses/${created.body.id}`, company)).status).toBe(404);
      expect((await t.get(`${API}/user_statuses`, company)).body).toHaveLength(4);
    });

    it.each([
      [{ name: 'X' }, 'color must be a hex colour such as #3498db'],
      [{ name: 'X', color: 'blue' }, 'color must be a hex colour such as #3498db'],
      [{ color: '#000000' }, 'name must be a string'],
      [{ name: ' ', color: '#000000' }, 'name must not be blank'],
      [{ name: 'X', color: '#000000', wfm_id: 'a' }, 'wfm_id must be an integer from 0 to 2147483647'],
      [{ name: 'X', color: '#000000', availability: 'available' }, 'availability must be one of away, offline'],
    ])('refuses %j: %s', async (body, message) => {
      const res = await t.post(`${API}/user_statuses`, body, acme);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message, error: 'bad_request', status: 400 });
    });

    it('puts an agent in a custom status (away) and back when its availability changes', async () => {
      const company = await t.createCompany();
      const lunch = (await t.post(`${API}/user_statuses`, { name: 'Lunch', color: '#123456' }, company)).body;
      const agent = await createAgent(t, company);
      const inLunch = await t.patch(`${API}/agents/${agent.id}`, { status_id: lunch.id }, company);
      expect(inLunch.body).toMatchObject({ availability: 'away', status: { id: lunch.id, name: 'Lunch', color: '#123456', wfm_id: null } });
      const back = await t.patch(`${API}/agents/${agent.id}`, { status: 'available' }, company);
      expect(back.body).toMatchObject({ availability: 'available', status: { name: 'Available' } });
      expect((await t.patch(`${API}/agents/${agent.id}`, { status_id: 999999 }, company)).body).toEqual({ message: 'status_id 999999 is not found', error: 'agent_status_not_found', status: 400 });
      // Deleting the status moves its agents back to the built-in one.
      await t.patch(`${API}/agents/${agent.id}`, { status_id: lunch.id }, company);
      await t.delete(`${API}/user_statuses/${lunch.id}`, company);
      expect((await t.get(`${API}/agents/${agent.id}`, company)).body).toMatchObject({ availability: 'away', status: { name: 'Away' } });
    });
  });

  describe('teams', () => {
    it('keeps a tree of teams with their agents', async () => {
      const company = await t.createCompany();
      const [ann, bob] = [await createAgent(t, company, { agent_number: '101' }), await createAgent(t, company)];
      const root = await t.post(`${API}/teams`, { name: 'Support', agent_ids: [ann.id] }, company);
      expect(root.status).toBe(201);
      expect(root.body).toEqual({
        id: expect.any(Number),
        name: 'Support',
        parent_id: null,
        position: 0,
        deleted: false,
        agents_count: 1,
        assignees: [{ id: ann.id, name: ann.name, first_name: ann.first_name, last_name: ann.last_name, agent_number: '101', avatar_url: null }],
      });
      const child = (await t.post(`${API}/teams`, { name: 'Tier 2', parent_id: root.body.id, position: 2, agent_ids: [ann.id, bob.id] }, company)).body;
      expect(child.agents_count).toBe(2);

      const tree = await t.get(`${API}/teams/tree`, company);
      expect(tree.body).toEqual([
        { id: root.body.id, name: 'Support', parent_id: null, position: 0, deleted: false, agents_count: 1, children: [{ id: child.id, name: 'Tier 2', parent_id: root.body.id, position: 2, deleted: false, agents_count: 2, children: [] }] },
      ]);
      expect((await t.get(`${API}/agents/${bob.id}`, company)).body.teams).toEqual([{ id: child.id, name: 'Tier 2', parent_id: root.body.id, position: 2, deleted: false, agents_count: 2 }]);

      // A team cannot move under itself; one with live children cannot go.
      expect((await t.patch(`${API}/teams/${root.body.id}`, { parent_id: child.id }, company)).status).toBe(400);
      expect((await t.delete(`${API}/teams/${root.body.id}`, company)).status).toBe(409);
      expect((await t.patch(`${API}/teams/${child.id}`, { agent_ids: [bob.id] }, company)).body.assignees.map((a: { id: number }) => a.id)).toEqual([bob.id]);
      expect((await t.post(`${API}/teams`, { name: 'X', agent_ids: [999999] }, company)).body).toEqual({ message: 'agent_ids: agent 999999 is not found', error: 'team_agent_not_found', status: 400 });

      expect((await t.delete(`${API}/teams/${child.id}`, company)).status).toBe(204);
      expect((await t.get(`${API}/teams`, company)).body.map((team: { id: number }) => team.id)).toEqual([root.body.id]);
      expect((await t.get(`${API}/teams?include_deleted=true`, company)).body.map((team: { deleted: boolean }) => team.deleted)).toEqual([false, true]);
      expect((await t.get(`${API}/agents/${bob.id}`, company)).body.teams).toEqual([]);
    });
  });

  describe('menus', () => {
    it('answers who takes a menu’s queue, and agents_count in the tree', async () => {
      const company = await t.createCompany();
      const [ann, bob, cid] = [await createAgent(t, company), await createAgent(t, company), await createAgent(t, company)];
      const team = (await t.post(`${API}/teams`, { name: 'Sales team', agent_ids: [bob.id, cid.id] }, company)).body;
      const root = await createMenu(t, company, { name: 'Main' });
      const leaf = await t.post(`${API}/menus`, { name: 'Sales', parent_id: root.id, agent_ids: [ann.id, bob.id], team_ids: [team.id] }, company);
      expect(leaf.status).toBe(201);
      expect(leaf.body.agents_count).toBe(3);
      expect(leaf.body.agent_assignments).toEqual([ann, bob].map((a) => ({
        assignee: { id: a.id, name: a.name, first_name: a.first_name, last_name: a.last_name, agent_number: a.agent_number, avatar_url: a.avatar_url },
        group_type: 'agent',
        channel_type: 'voice_call',
        queue_level: null,
        lang: null,
      })));
      expect(leaf.body.team_assignments).toEqual([{ team: expect.objectContaining({ id: team.id, name: 'Sales team', agents_count: 2 }), group_type: 'team', channel_type: 'voice_call', queue_level: null, lang: null }]);

      const tree = (await t.get(`${API}/menus/tree`, company)).body;
      expect(tree[0]).toMatchObject({ id: root.id, agents_count: 0, children: [{ id: leaf.body.id, agents_count: 3 }] });
      expect((await t.get(`${API}/agents/${cid.id}`, company)).body.channels).toEqual([{ channel_type: 'voice_call', menu: expect.objectContaining({ id: leaf.body.id, name: 'Sales' }) }]);

      const changed = await t.patch(`${API}/menus/${leaf.body.id}`, { agent_ids: [], team_ids: [] }, company);
      expect(changed.body).toMatchObject({ agent_assignments: [], team_assignments: [], agents_count: 0 });
      expect((await t.patch(`${API}/menus/${leaf.body.id}`, { team_ids: [424242] }, company)).body).toEqual({ message: 'team_ids: team 424242 is not found', error: 'menu_assigned_team_not_found', status: 400 });
    });
  });

  describe('agents', () => {
    it('keeps status_updated_at, sorts and filters on it', async () => {
      const company = await t.createCompany();
      const a = await createAgent(t, company);
      const b = await createAgent(t, company);
      const c = await createAgent(t, company);
      // a changes last: it sorts last by status_updated_at.
      await t.patch(`${API}/agents/${a.id}`, { status: 'away' }, company);
      const after = (await t.get(`${API}/agents/${a.id}`, company)).body.status_updated_at;
      // A change that is not a status change leaves it.
      await t.patch(`${API}/agents/${a.id}`, { first_name: 'Renamed' }, company);
      expect((await t.get(`${API}/agents/${a.id}`, company)).body.status_updated_at).toBe(after);

      const sorted = await t.get(`${API}/agents?sort_column=status_updated_at&sort_direction=ASC`, company);
      expect(sorted.body.map((x: { id: number }) => x.id)).toEqual([b.id, c.id, a.id]);
      const since = await t.get(`${API}/agents?sort_column=status_updated_at&sort_direction=ASC&status_updated_at[from]=${encodeURIComponent(after)}`, company);
      expect(since.body.map((x: { id: number }) => x.id)).toEqual([a.id]);
      expect(since.headers.total).toBe('1');
      // As a tap sends it: unencoded, the zone's + read as a space.
      const unencoded = await t.get(`${API}/agents?status_updated_at[from]=${after.replace('Z', '+00:00')}`, company);
      expect(unencoded.body.map((x: { id: number }) => x.id)).toEqual([a.id]);
      // [to] is inclusive of the millisecond shown (the stored time has microseconds).
      const until = await t.get(`${API}/agents?sort_column=status_updated_at&status_updated_at[to]=${encodeURIComponent(after)}`, company);
      expect(until.body.map((x: { id: number }) => x.id)).toEqual([b.id, c.id, a.id]);
      const desc = await t.get(`${API}/agents?sort_column=status_updated_at&sort_direction=DESC`, company);
      expect(desc.body.map((x: { id: number }) => x.id)).toEqual([a.id, c.id, b.id]);
    });

    it('refuses agent numbers that are not digits, and the migration kept only digits', async () => {
      const res = await t.post(`${API}/agents`, { email: 'n@acme.example', first_name: 'N', last_name: 'N', agent_number: '12-34' }, acme);
      expect(res.body).toEqual({ message: 'agent_number must be 1 to 15 digits', error: 'bad_request', status: 400 });
      await expect(t.db.query(`INSERT INTO agents (company_id, email, first_name, last_name, agent_number) SELECT id, 'x@y.example', 'X', 'Y', 'A1' FROM companies LIMIT 1`)).rejects.toThrow(/agents_agent_number_digits/);
    });

    it('counts the calls an agent took part in', async () => {
      const f = await seedCallFixtures(t);
      await callIn(t, f, 'finished', { agentEmail: f.agents.available.email });
      await callIn(t, f, 'connected', { agentEmail: f.agents.available.email }).catch(() => undefined);
      const agent = (await t.get(`${API}/agents/${f.agents.available.id}`, f.company)).body;
      expect(agent.call_count).toBeGreaterThanOrEqual(1);
      const [{ count }] = await t.db.query(`SELECT count(DISTINCT call_id)::int AS count FROM participants WHERE agent_id = $1`, [f.agents.available.id]);
      expect(agent.call_count).toBe(count);
    });
  });

  describe('agent activity logs', () => {
    it('logs every status change and every call an agent handled, with durations', async () => {
      const f = await seedCallFixtures(t);
      const agentId = f.agents.available.id;
      const call = await callIn(t, f, 'finished', { agentEmail: f.agents.available.email });
      const logs = await t.get(`/manager/api/v1/agent_activity_logs?agent_id=${agentId}&sort_column=started_at&sort_direction=ASC`, f.company);
      expect(logs.status).toBe(200);
      const statuses = logs.body.filter((l: { activity: string }) => l.activity === 'status').map((l: { status: { name: string } }) => l.status.name);
      expect(statuses).toEqual(['Available', 'Busy', 'Available']);
      const calls = logs.body.filter((l: { activity: string }) => l.activity === 'call');
      expect(calls).toEqual([
        {
          id: expect.any(Number),
          agent_id: agentId,
          activity: 'call',
          status: expect.objectContaining({ name: 'Busy' }),
          started_at: expect.stringMatching(ISO_MS),
          ended_at: expect.stringMatching(ISO_MS),
          duration: expect.any(Number),
          call_id: call.id,
          chat_id: null,
          whodunnit: { id: agentId, name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', agent_number: '42', avatar_url: 'https://example.com/a.png' },
        },
      ]);
      // Every status row but the last is closed where the next one starts.
      const rows = logs.body.filter((l: { activity: string }) => l.activity === 'status');
      for (let i = 0; i + 1 < rows.length; i++) expect(rows[i].ended_at).toBe(rows[i + 1].started_at);
      expect(rows.at(-1).ended_at).toBeNull();
      expect(rows.at(-1).duration).toBeNull();
    });

    it('writes nothing for a refused event (the log is written in the transaction of the change)', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'queued');
      const count = async () => (await t.db.query(`SELECT count(*)::int AS n FROM agent_activity_logs WHERE company_id = $1`, [f.companyId]))[0].n;
      const before = await count();
      // The busy agent cannot take the call: refused, nothing written.
      const refused = await t.post(eventsUrl(call.id), { type: 'assign', agent_email: f.agents.busy.email }, f.company);
      expect(refused.status).toBe(409);
      expect(await count()).toBe(before);
      expect((await t.post(eventsUrl(call.id), { type: 'assign', agent_email: f.agents.available.email }, f.company)).status).toBe(200);
      expect(await count()).toBe(before + 2); // busy, and the call
    });

    it('filters on started_at and pages incrementally', async () => {
      const company = await t.createCompany();
      const agent = await createAgent(t, company);
      for (const status of ['away', 'available', 'offline', 'available']) await t.patch(`${API}/agents/${agent.id}`, { status }, company);
      const all = (await t.get(`${API}/agent_activity_logs?per=2`, company));
      expect(all.headers.total).toBe('5');
      expect(all.headers.link).toContain('rel="next"');
      const third = (await t.get(`${API}/agent_activity_logs?sort_column=started_at&per=100`, company)).body[2];
      const from = await t.get(`${API}/agent_activity_logs?started_at[from]=${encodeURIComponent(third.started_at)}`, company);
      expect(from.body.map((l: { id: number }) => l.id)).toEqual((await t.get(`${API}/agent_activity_logs`, company)).body.slice(2).map((l: { id: number }) => l.id));
    });
  });

  describe('calls', () => {
    it('carries CCAI’s transfer fields and integer agent numbers', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected', { agentEmail: f.agents.available.email });
      expect(call.agent_info.agent_number).toBe(42);
      expect((await t.post(eventsUrl(call.id), { type: 'transfer', to_agent_email: f.agents.other.email }, f.company)).status).toBe(200);
      const done = await t.post(eventsUrl(call.id), { type: 'transfer_completed' }, f.company);
      const [transfer] = done.body.transfers;
      expect(transfer).toEqual({
        id: expect.any(Number),
        status: 'transferred',
        fail_reason: 'nothing',
        created_at: expect.stringMatching(ISO_MS),
        assigned_at: transfer.created_at,
        connected_at: expect.stringMatching(ISO_MS),
        updated_at: transfer.connected_at,
        wait_duration: expect.any(Number),
        call_duration: expect.any(Number),
        deflection: null,
        answer_type_path: null,
        from_menu: null,
        to_menu: null,
        from_menu_path: null,
        to_menu_path: null,
        from_agent: { id: f.agents.available.id, name: 'Ada Lovelace', last_name: 'Lovelace', first_name: 'Ada', agent_number: 42, avatar_url: 'https://example.com/a.png' },
        to_agent: expect.objectContaining({ id: f.agents.other.id, agent_number: 42 }),
        from_queue_priority_level: null,
        to_queue_priority_level: null,
      });
      const listed = (await t.get(`${API}/calls/${call.id}`, f.company)).body;
      expect(listed.transfers).toEqual(done.body.transfers);
    });
  });

  describe('chats and settings', () => {
    it('answers an empty paged list of chats', async () => {
      const res = await t.get(`${API}/chats?sort_column=created_at&sort_direction=ASC&created_at[from]=2020-01-01T00:00:00Z`, acme);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers.total).toBe('0');
      expect(res.headers['per-page']).toBe('100');
      expect(res.headers.link).not.toContain('rel="next"');
      expect((await t.get(`${API}/chats/5`, acme)).body).toEqual({ message: 'Chat 5 is not found', error: 'chat_not_found', status: 404 });
    });

    it('answers the organization settings, and 401 without credentials', async () => {
      const res = await t.get(`${API}/settings/organization`, acme);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: acme.key, name: `Company ${acme.key}`, id: expect.any(Number), created_at: expect.stringMatching(ISO_MS) });
      expect((await t.get(`${API}/settings/organization`)).body).toEqual({ message: 'Unauthorized', error: 'unauthorized', status: 401 });
    });
  });

  describe('bad list parameters', () => {
    const LISTS = ['agents', 'agent_activity_logs', 'calls', 'chats', 'menus', 'teams', 'user_statuses', 'outbound_numbers', 'contacts'];
    const RANGED: Record<string, string> = { agents: 'status_updated_at', agent_activity_logs: 'started_at', calls: 'updated_at', chats: 'created_at' };
    it.each(LISTS)('%s: per=0, per=100000, an unknown sort_column and a malformed [from] are 400s naming the parameter', async (list) => {
      const cases: Array<[string, string]> = [
        ['per=0', 'per'],
        ['per=100000', 'per'],
        ['page=0', 'page'],
        ['sort_column=name;DROP', 'sort_column'],
      ];
      if (RANGED[list]) cases.push([`${RANGED[list]}[from]=yesterday`, `${RANGED[list]}[from]`], [`${RANGED[list]}[from]=2025-02-30T00:00:00Z`, `${RANGED[list]}[from]`]);
      for (const [query, name] of cases) {
        const res = await t.get(`${API}/${list}?${query}`, acme);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.message).toContain(name);
        expect(res.body.error).toEqual(expect.any(String));
        expect(res.body.status).toBe(400);
      }
    });
  });

  describe('error bodies', () => {
    it('carry message, a stable code and the status', async () => {
      expect((await t.get('/manager/api/v1/agents/999999', acme)).body).toEqual({ message: 'Agent 999999 is not found', error: 'agent_not_found', status: 404 });
      expect((await t.get('/manager/api/v1/nothing-here', acme)).body).toMatchObject({ error: 'not_found', status: 404 });
      const badJson = await t.request('POST', '/manager/api/v1/agents', { rawBody: '{"email":', auth: acme, headers: { 'content-type': 'application/json' } });
      expect(badJson.body).toMatchObject({ error: 'bad_request', status: 400, message: expect.any(String) });
      const text = await t.request('POST', '/manager/api/v1/agents', { rawBody: 'hi', auth: acme, headers: { 'content-type': 'text/plain' } });
      expect(text.body).toMatchObject({ error: 'unsupported_media_type', status: 415 });
    });
  });
});

describe('absolute links: PUBLIC_URL and TRUSTED_PROXIES', () => {
  const nextLink = (link: unknown) => /<([^>]+)>; rel="next"/.exec(String(link))?.[1];

  it('builds Link headers from PUBLIC_URL, whatever the request says', async () => {
    const t = await TestApp.start({ PUBLIC_URL: 'https://calls.example.com/switchboard/' });
    try {
      const company = await t.createCompany();
      for (let i = 0; i < 3; i++) await createAgent(t, company);
      const res = await t.request('GET', `${API}/agents?per=2`, { auth: company, headers: { host: 'internal:3000', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' } });
      expect(nextLink(res.headers.link)).toBe('https://calls.example.com/switchboard/manager/api/v1/agents?per=2&page=2');
    } finally {
      await t.close();
    }
  });

  it('believes forwarded headers only from a trusted proxy', async () => {
    const t = await TestApp.start({ TRUSTED_PROXIES: '10.0.0.0/8' });
    try {
      const company = await t.createCompany();
      for (let i = 0; i < 3; i++) await createAgent(t, company);
      const forwarded = { host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'calls.example.com' };
      const fromProxy = await t.request('GET', `${API}/agents?per=2`, { auth: company, headers: forwarded, remoteAddress: '10.1.2.3' });
      expect(nextLink(fromProxy.headers.link)).toBe('https://calls.example.com/manager/api/v1/agents?per=2&page=2');
      const fromClient = await t.request('GET', `${API}/agents?per=2`, { auth: company, headers: forwarded, remoteAddress: '203.0.113.9' });
      expect(nextLink(fromClient.headers.link)).toBe('http://internal:3000/manager/api/v1/agents?per=2&page=2');
    } finally {
      await t.close();
    }
  });

  it('ignores forwarded headers when no proxy is configured', async () => {
    const t = await TestApp.start();
    try {
      const company = await t.createCompany();
      for (let i = 0; i < 2; i++) await createAgent(t, company);
      const res = await t.request('GET', `${API}/agents?per=1`, { auth: company, headers: { host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }, remoteAddress: '127.0.0.1' });
      expect(nextLink(res.headers.link)).toBe('http://internal:3000/manager/api/v1/agents?per=1&page=2');
    } finally {
      await t.close();
    }
  });
});
