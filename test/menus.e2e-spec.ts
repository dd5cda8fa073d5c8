import { createMenu, createMenuPath, MenuJson } from './factories';
import { TestApp, TestCompany } from './support/test-app';
import { lockWaits, until } from './support/waits';

const URL = '/manager/api/v1/menus';
const hours = { time_zone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] }, closed_dates: ['2026-12-25'] };

describe('the Manager API: menus', () => {
  let t: TestApp;
  let acme: TestCompany;

  beforeAll(async () => {
    t = await TestApp.start();
    acme = await t.createCompany();
  });
  afterAll(() => t.close());

  describe('POST /menus', () => {
    it('creates a root menu with the defaults', async () => {
      const res = await t.post(URL, { name: 'Main Menu', menu_type: 'ivr_menu' }, acme);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'Main Menu',
        menu_type: 'ivr_menu',
        parent_id: null,
        position: 0,
        state: 'open',
        languages: ['en'],
        output_msg: null,
        hidden: false,
        offer_type: 'cascade',
        recording_option: 'never',
        business_hours: null,
        deleted: false,
        agent_assignments: [],
        team_assignments: [],
        agents_count: 0,
      });
      expect((await t.get(`${URL}/${res.body.id}`, acme)).body).toEqual(res.body);
    });

    it('stores every field given, and normalises languages and business hours', async () => {
      const body = {
        name: 'Callbacks',
        menu_type: 'web_menu',
        position: 3,
        state: 'manual_redirection',
        languages: ['es', 'en', 'es'],
        output_msg: 'You selected Callbacks.',
        hidden: true,
        offer_type: 'broadcast',
        recording_option: 'ask_permission',
        business_hours: { time_zone: 'Europe/Berlin', weekly: { fri: [['13:00', '17:00'], ['08:00', '12:00']], mon: [['09:00', '24:00']] } },
      };
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        ...body,
        id: expect.any(Number),
        parent_id: null,
        languages: ['es', 'en'],
        business_hours: { time_zone: 'Europe/Berlin', weekly: { mon: [['09:00', '24:00']], fri: [['08:00', '12:00'], ['13:00', '17:00']] }, closed_dates: [] },
        deleted: false,
        agent_assignments: [],
        team_assignments: [],
        agents_count: 0,
      });
      expect((await t.get(`${URL}/${res.body.id}`, acme)).body).toEqual(res.body);
    });

    it("gives a child its parent's menu_type, and refuses a different one", async () => {
      const root = await createMenu(t, acme, { menu_type: 'mobile_menu' });
      const child = await t.post(URL, { name: 'Child', parent_id: root.id }, acme);
      expect(child.status).toBe(201);
      expect(child.body).toMatchObject({ parent_id: root.id, menu_type: 'mobile_menu' });
      const same = await t.post(URL, { name: 'Same', parent_id: root.id, menu_type: 'mobile_menu' }, acme);
      expect(same.status).toBe(201);
      const other = await t.post(URL, { name: 'Other', parent_id: root.id, menu_type: 'ivr_menu' }, acme);
      expect(other.status).toBe(400);
      expect(other.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'menu_type must be mobile_menu, the menu_type of its parent' });
    });

    it('needs a menu_type for a root menu', async () => {
      for (const body of [{ name: 'Root' }, { name: 'Root', parent_id: null }]) {
        const res = await t.post(URL, body, acme);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'menu_type must be one of ivr_menu, mobile_menu, web_menu' });
      }
    });

    it('refuses a parent that is unknown, deleted, or of another company', async () => {
      const globex = await t.createCompany();
      const foreign = await createMenu(t, globex);
      const gone = await createMenu(t, acme);
      expect((await t.delete(`${URL}/${gone.id}`, acme)).status).toBe(204);
      for (const parentId of [999999999, gone.id, foreign.id]) {
        const res = await t.post(URL, { name: 'Orphan', parent_id: parentId }, acme);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `parent_id ${parentId} is not found` });
      }
    });

    const valid = { name: 'Valid', menu_type: 'ivr_menu' };
    it.each([
      [{ menu_type: 'ivr_menu' }, 'name must be a string'],
      [{ ...valid, name: null }, 'name must be a string'],
      [{ ...valid, name: 42 }, 'name must be a string'],
      [{ ...valid, name: ['Main'] }, 'name must be a string'],
      [{ ...valid, name: '' }, 'name must not be blank'],
      [{ ...valid, name: '   ' }, 'name must not be blank'],
      [{ ...valid, name: 'x'.repeat(201) }, 'name must be at most 200 characters'],
      [{ ...valid, menu_type: 'phone_menu' }, 'menu_type must be one of ivr_menu, mobile_menu, web_menu'],
      [{ ...valid, menu_type: null }, 'menu_type must be one of ivr_menu, mobile_menu, web_menu'],
      [{ ...valid, menu_type: ['ivr_menu'] }, 'menu_type must be one of ivr_menu, mobile_menu, web_menu'],
      [{ ...valid, parent_id: '1' }, 'parent_id must be a positive integer'],
      [{ ...valid, parent_id: 1.5 }, 'parent_id must be a positive integer'],
      [{ ...valid, parent_id: 0 }, 'parent_id must be a positive integer'],
      [{ ...valid, parent_id: -3 }, 'parent_id must be a positive integer'],
      [{ ...valid, parent_id: 1e20 }, 'parent_id must be a positive integer'],
      [{ ...valid, position: -1 }, 'position must be an integer from 0 to 2147483647'],
      [{ ...valid, position: 2147483648 }, 'position must be an integer from 0 to 2147483647'],
      [{ ...valid, position: '1' }, 'position must be an integer from 0 to 2147483647'],
      [{ ...valid, position: null }, 'position must be an integer from 0 to 2147483647'],
      [{ ...valid, state: 'closed' }, 'state must be one of open, after_hours, manual_redirection'],
      [{ ...valid, state: null }, 'state must be one of open, after_hours, manual_redirection'],
      [{ ...valid, languages: [] }, 'languages must be a non-empty array of ISO 639-1 codes'],
      [{ ...valid, languages: 'en' }, 'languages must be a non-empty array of ISO 639-1 codes'],
      [{ ...valid, languages: null }, 'languages must be a non-empty array of ISO 639-1 codes'],
      [{ ...valid, languages: ['en', 'xy'] }, 'languages[1] is not an ISO 639-1 code (two lowercase letters, such as "en")'],
      [{ ...valid, languages: ['EN'] }, 'languages[0] is not an ISO 639-1 code (two lowercase letters, such as "en")'],
      [{ ...valid, languages: ['eng'] }, 'languages[0] is not an ISO 639-1 code (two lowercase letters, such as "en")'],
      [{ ...valid, languages: [7] }, 'languages[0] is not an ISO 639-1 code (two lowercase letters, such as "en")'],
      [{ ...valid, languages: Array(185).fill('en') }, 'languages may hold at most 184 codes'],
      [{ ...valid, output_msg: 5 }, 'output_msg must be a string'],
      [{ ...valid, output_msg: 'x'.repeat(5001) }, 'output_msg must be at most 5000 characters'],
      [{ ...valid, hidden: 'yes' }, 'hidden must be a boolean'],
      [{ ...valid, hidden: null }, 'hidden must be a boolean'],
      [{ ...valid, offer_type: 'random' }, 'offer_type must be one of cascade, broadcast'],
      [{ ...valid, recording_option: 'sometimes' }, 'recording_option must be one of always, never, ask_permission'],
      [{ ...valid, business_hours: 'always' }, 'business_hours must be an object with time_zone, weekly and closed_dates'],
      [{ ...valid, business_hours: { ...hours, time_zone: 'Eastern' } }, 'business_hours.time_zone must be an IANA time zone'],
      [{ ...valid, business_hours: { ...hours, weekly: { mon: [['22:00', '02:00']] } } }, 'business_hours.weekly.mon[0] must end after it starts: an interval may not cross midnight (split it at 24:00 and continue the next day from 00:00)'],
      [{ ...valid, business_hours: { ...hours, closed_dates: ['2026-13-01'] } }, 'business_hours.closed_dates[0] must be a date (YYYY-MM-DD)'],
      [{ ...valid, deleted: true }, 'property deleted should not exist'],
      [{ ...valid, id: 5 }, 'property id should not exist'],
      [{ ...valid, colour: 'red' }, 'property colour should not exist'],
    ].map(([body, message]) => [brief(body), body, message]))('refuses %s: %s', async (_, body, message) => {
      const res = await t.post(URL, body, acme);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });

    it('refuses a body that is not a JSON object', async () => {
      for (const rawBody of ['[]', 'null', '"menu"', '{"name":']) {
        const res = await t.request('POST', URL, { rawBody, auth: acme, headers: { 'content-type': 'application/json' } });
        expect(res.status).toBe(400);
      }
    });
  });

  describe('GET /menus', () => {
    let company: TestCompany;
    let menus: MenuJson[];

    beforeAll(async () => {
      company = await t.createCompany();
      menus = [];
      for (let i = 0; i < 5; i++) menus.push(await createMenu(t, company, { name: `M${i}` }));
      await t.delete(`${URL}/${menus[1].id}`, company);
    });

    it('lists the live menus by id, with paging headers', async () => {
      const res = await t.get(`${URL}?per=2`, company);
      expect(res.status).toBe(200);
      expect(res.body.map((m: MenuJson) => m.name)).toEqual(['M0', 'M2']);
      expect(res.headers.total).toBe('4');
      expect(res.headers['per-page']).toBe('2');
      expect(res.headers.link).toMatch(/<[^>]*\/menus\?per=2&page=2>; rel="next"/);

      const last = await t.get(`${URL}?per=2&page=2`, company);
      expect(last.body.map((m: MenuJson) => m.name)).toEqual(['M3', 'M4']);
      expect(last.headers.link).not.toContain('rel="next"');
      expect(last.headers.link).toContain('rel="prev"');
      expect((await t.get(`${URL}?per=2&page=3`, company)).body).toEqual([]);
    });

    it('includes deleted menus with include_deleted=true', async () => {
      const res = await t.get(`${URL}?include_deleted=true`, company);
      expect(res.body.map((m: MenuJson) => [m.name, m.deleted])).toEqual([
        ['M0', false],
        ['M1', true],
        ['M2', false],
        ['M3', false],
        ['M4', false],
      ]);
      expect(res.headers.total).toBe('5');
      expect((await t.get(`${URL}?include_deleted=false`, company)).headers.total).toBe('4');
    });

    it.each([
      ['per=0', 'per must be a whole number from 1 to 100'],
      ['per=101', 'per must be a whole number from 1 to 100'],
      ['page=0', 'page must be a whole number from 1'],
      ['page=x', 'page must be a whole number from 1'],
      ['include_deleted=yes', 'include_deleted must be true or false'],
      ['include_deleted=true&include_deleted=false', 'include_deleted must be true or false'],
    ])('refuses ?%s', async (query, message) => {
      const res = await t.get(`${URL}?${query}`, company);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
    });
  });

  describe('GET /menus/tree', () => {
    it('nests the live menus, siblings by position then id', async () => {
      const company = await t.createCompany();
      const main = await createMenu(t, company, { name: 'Main' });
      const support = await createMenu(t, company, { name: 'Support', parent_id: main.id, position: 1 });
      const sales = await createMenu(t, company, { name: 'Sales', parent_id: main.id, position: 1 });
      const first = await createMenu(t, company, { name: 'First', parent_id: main.id, position: 0 });
      const billing = await createMenu(t, company, { name: 'Billing', parent_id: support.id });
      const gone = await createMenu(t, company, { name: 'Gone', parent_id: support.id });
      await t.delete(`${URL}/${gone.id}`, company);
      const app = await createMenu(t, company, { name: 'App', menu_type: 'mobile_menu' });

      const res = await t.get(`${URL}/tree`, company);
      expect(res.status).toBe(200);
      const shape = (nodes: Array<MenuJson & { children: any[] }>): unknown => nodes.map((n) => [n.name, shape(n.children)]);
      expect(shape(res.body)).toEqual([
        ['Main', [['First', []], ['Support', [['Billing', []]]], ['Sales', []]]],
        ['App', []],
      ]);
      expect(res.body[0]).toEqual({ ...main, children: expect.any(Array) });
      expect(res.body[0].children[1]).toEqual({ ...support, children: [{ ...billing, children: [] }] });
      expect([sales.id, first.id, app.id].every(Number.isInteger)).toBe(true);
    });

    it('is an empty array for a company without menus', async () => {
      const res = await t.get(`${URL}/tree`, await t.createCompany());
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });
  });

  describe('GET /menus/:id', () => {
    it('answers 404 for an unknown id, a malformed id, or another company’s menu', async () => {
      const globex = await t.createCompany();
      const foreign = await createMenu(t, globex);
      for (const id of ['999999999', 'abc', '0', '-1', '1.5', '99999999999999999999999', String(foreign.id)]) {
        const res = await t.get(`${URL}/${id}`, acme);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${id} is not found` });
      }
    });
  });

  describe('PATCH /menus/:id', () => {
    it('changes any field but id, and answers the whole menu', async () => {
      const menu = await createMenu(t, acme, { output_msg: 'Hello' });
      const changes = {
        name: 'Renamed',
        position: 7,
        state: 'after_hours',
        languages: ['fr'],
        output_msg: null,
        hidden: true,
        offer_type: 'broadcast',
        recording_option: 'always',
        business_hours: hours,
      };
      const res = await t.patch(`${URL}/${menu.id}`, changes, acme);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...menu, ...changes });
      expect((await t.get(`${URL}/${menu.id}`, acme)).body).toEqual(res.body);

      const cleared = await t.patch(`${URL}/${menu.id}`, { business_hours: null }, acme);
      expect(cleared.body).toEqual({ ...res.body, business_hours: null });
      expect((await t.patch(`${URL}/${menu.id}`, {}, acme)).body).toEqual(cleared.body);
    });

    it('refuses null for fields that cannot be null, and unknown fields', async () => {
      const menu = await createMenu(t, acme);
      for (const [body, message] of [
        [{ name: null }, 'name must be a string'],
        [{ menu_type: null }, 'menu_type must be one of ivr_menu, mobile_menu, web_menu'],
        [{ position: null }, 'position must be an integer from 0 to 2147483647'],
        [{ state: null }, 'state must be one of open, after_hours, manual_redirection'],
        [{ languages: null }, 'languages must be a non-empty array of ISO 639-1 codes'],
        [{ hidden: null }, 'hidden must be a boolean'],
        [{ offer_type: null }, 'offer_type must be one of cascade, broadcast'],
        [{ recording_option: null }, 'recording_option must be one of always, never, ask_permission'],
        [{ business_hours: { time_zone: 'UTC' } }, 'business_hours.weekly must be an object keyed by mon, tue, wed, thu, fri, sat, sun'],
        [{ id: 1 }, 'property id should not exist'],
        [{ deleted: false }, 'property deleted should not exist'],
      ] as const) {
        const res = await t.patch(`${URL}/${menu.id}`, body, acme);
        expect([body, res.status, res.body]).toEqual([body, 400, { error: expect.any(String), status: expect.any(Number), message }]);
      }
      expect((await t.get(`${URL}/${menu.id}`, acme)).body).toEqual(menu);
    });

    it('re-parents a menu, and makes it a root again with parent_id null', async () => {
      const [a, b] = [await createMenu(t, acme), await createMenu(t, acme)];
      const moved = await t.patch(`${URL}/${b.id}`, { parent_id: a.id }, acme);
      expect(moved.status).toBe(200);
      expect(moved.body.parent_id).toBe(a.id);
      const root = await t.patch(`${URL}/${b.id}`, { parent_id: null }, acme);
      expect(root.body.parent_id).toBeNull();
    });

    it('refuses a cycle: the menu itself or one of its descendants as parent', async () => {
      const [a, b, c] = await createMenuPath(t, acme, ['A', 'B', 'C']);
      for (const parentId of [a.id, b.id, c.id]) {
        const res = await t.patch(`${URL}/${a.id}`, { parent_id: parentId }, acme);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `parent_id ${parentId} is this menu or one of its descendants: a menu cannot be its own ancestor` });
      }
      const self = await t.patch(`${URL}/${c.id}`, { parent_id: c.id }, acme);
      expect(self.status).toBe(400);
      // moving C to the root and back is fine
      expect((await t.patch(`${URL}/${c.id}`, { parent_id: a.id }, acme)).status).toBe(200);
    });

    it('refuses an unknown, deleted or foreign parent', async () => {
      const menu = await createMenu(t, acme);
      const gone = await createMenu(t, acme);
      await t.delete(`${URL}/${gone.id}`, acme);
      const foreign = await createMenu(t, await t.createCompany());
      for (const parentId of [999999999, gone.id, foreign.id]) {
        const res = await t.patch(`${URL}/${menu.id}`, { parent_id: parentId }, acme);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `parent_id ${parentId} is not found` });
      }
    });

    it("keeps a child's menu_type its parent's", async () => {
      const ivr = await createMenu(t, acme, { menu_type: 'ivr_menu' });
      const web = await createMenu(t, acme, { menu_type: 'web_menu' });
      const child = await createMenu(t, acme, { parent_id: ivr.id });

      const changed = await t.patch(`${URL}/${child.id}`, { menu_type: 'web_menu' }, acme);
      expect(changed.status).toBe(400);
      expect(changed.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'menu_type must be ivr_menu, the menu_type of its parent' });

      // moved under a web menu without a menu_type: it takes the new parent's
      const moved = await t.patch(`${URL}/${child.id}`, { parent_id: web.id }, acme);
      expect(moved.body).toMatchObject({ parent_id: web.id, menu_type: 'web_menu' });
      const clash = await t.patch(`${URL}/${child.id}`, { parent_id: ivr.id, menu_type: 'web_menu' }, acme);
      expect(clash.status).toBe(400);
      expect(clash.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'menu_type must be ivr_menu, the menu_type of its parent' });

      // made a root, it may change its type
      const root = await t.patch(`${URL}/${child.id}`, { parent_id: null, menu_type: 'mobile_menu' }, acme);
      expect(root.body).toMatchObject({ parent_id: null, menu_type: 'mobile_menu' });
    });

    it('refuses to change the menu_type of a menu with live children (409)', async () => {
      const [root, child] = await createMenuPath(t, acme, ['Root', 'Child']);
      const res = await t.patch(`${URL}/${root.id}`, { menu_type: 'web_menu' }, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${root.id} has live child menus: its menu_type cannot change (move or delete them first)` });
      // the same type is no change
      expect((await t.patch(`${URL}/${root.id}`, { menu_type: 'ivr_menu' }, acme)).status).toBe(200);
      // once the child is deleted, the type may change
      expect((await t.delete(`${URL}/${child.id}`, acme)).status).toBe(204);
      expect((await t.patch(`${URL}/${root.id}`, { menu_type: 'web_menu' }, acme)).body.menu_type).toBe('web_menu');
    });

    it('refuses to change a deleted menu (409)', async () => {
      const menu = await createMenu(t, acme);
      await t.delete(`${URL}/${menu.id}`, acme);
      const res = await t.patch(`${URL}/${menu.id}`, { name: 'Back' }, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${menu.id} is deleted and cannot change` });
    });

    it('answers 404 for an unknown or foreign menu', async () => {
      const foreign = await createMenu(t, await t.createCompany());
      for (const id of ['999999999', 'x', String(foreign.id)]) {
        const res = await t.patch(`${URL}/${id}`, { name: 'X' }, acme);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${id} is not found` });
      }
    });
  });

  describe('DELETE /menus/:id', () => {
    it('marks the menu deleted: still readable, no longer listed, not a parent', async () => {
      const menu = await createMenu(t, acme);
      const res = await t.delete(`${URL}/${menu.id}`, acme);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect((await t.get(`${URL}/${menu.id}`, acme)).body).toEqual({ ...menu, deleted: true });
      expect((await t.get(URL, acme)).body.map((m: MenuJson) => m.id)).not.toContain(menu.id);
      expect((await t.post(URL, { name: 'Child', parent_id: menu.id }, acme)).status).toBe(400);
      // deleting it again changes nothing
      expect((await t.delete(`${URL}/${menu.id}`, acme)).status).toBe(204);
    });

    it('refuses while live children hang under it (409), and allows it once they are gone', async () => {
      const [root, child] = await createMenuPath(t, acme, ['Root', 'Child']);
      const res = await t.delete(`${URL}/${root.id}`, acme);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${root.id} has live child menus: delete or move them first` });
      expect((await t.delete(`${URL}/${child.id}`, acme)).status).toBe(204);
      expect((await t.delete(`${URL}/${root.id}`, acme)).status).toBe(204);
    });

    it('answers 404 for an unknown or foreign menu, and leaves the foreign one alone', async () => {
      const globex = await t.createCompany();
      const foreign = await createMenu(t, globex);
      for (const id of ['999999999', 'x', String(foreign.id)]) {
        const res = await t.delete(`${URL}/${id}`, acme);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Menu ${id} is not found` });
      }
      expect((await t.get(`${URL}/${foreign.id}`, globex)).body.deleted).toBe(false);
    });

    it('serialises a delete against a concurrent child creation: never a live child under a deleted menu', async () => {
      for (let round = 0; round < 5; round++) {
        const parent = await createMenu(t, acme);
        const [child, deletion] = await Promise.all([t.post(URL, { name: 'Racer', parent_id: parent.id }, acme), t.delete(`${URL}/${parent.id}`, acme)]);
        // either the child came first (and the delete is refused) or the delete did (and the child is refused)
        expect([child.status, deletion.status].sort()).toEqual(child.status === 201 ? [201, 409] : [204, 400]);
      }
    });
  });

  describe('tenancy', () => {
    it('never lists or nests another company’s menus', async () => {
      const globex = await t.createCompany();
      await createMenu(t, acme);
      expect((await t.get(URL, globex)).body).toEqual([]);
      expect((await t.get(`${URL}/tree`, globex)).body).toEqual([]);
      expect((await t.get(`${URL}?include_deleted=true`, globex)).headers.total).toBe('0');
    });

    it('answers 401 without credentials', async () => {
      expect((await t.get(URL)).status).toBe(401);
      expect((await t.post(URL, { name: 'X', menu_type: 'ivr_menu' })).status).toBe(401);
    });
  });

  describe('paths, stored on each menu', () => {
    it('follow renames and moves down the whole subtree, into the calls that show them', async () => {
      const [main, support, billing] = await createMenuPath(t, acme, ['Main', 'Support', 'Billing']);
      const [sales] = await createMenuPath(t, acme, ['Sales']);
      expect(await storedPath(t, main.id)).toEqual({ items_count: 1, name: 'Main', materialized_path: String(main.id) });
      const call = await t.post('/apps/api/v1/calls', { call_type: 'Voice Inbound (API)', menu_id: billing.id, end_user_number: '+1 859-657-9625' }, acme);
      expect(call.status).toBe(201);
      expect(call.body.menu_path).toEqual({ items_count: 3, name: 'Main / Support / Billing', materialized_path: `${main.id}/${support.id}/${billing.id}` });

      expect((await t.patch(`${URL}/${main.id}`, { name: 'Front' }, acme)).status).toBe(200);
      expect(await storedPath(t, billing.id)).toEqual({
        items_count: 3,
        name: 'Front / Support / Billing',
        materialized_path: `${main.id}/${support.id}/${billing.id}`,
      });

      expect((await t.patch(`${URL}/${support.id}`, { parent_id: sales.id }, acme)).status).toBe(200);
      const moved = { items_count: 3, name: 'Sales / Support / Billing', materialized_path: `${sales.id}/${support.id}/${billing.id}` };
      expect(await storedPath(t, billing.id)).toEqual(moved);
      expect(await storedPath(t, support.id)).toEqual({ items_count: 2, name: 'Sales / Support', materialized_path: `${sales.id}/${support.id}` });
      expect(await storedPath(t, main.id)).toEqual({ items_count: 1, name: 'Front', materialized_path: String(main.id) });
      expect((await t.get(`/apps/api/v1/calls/${call.body.id}`, acme)).body.menu_path).toEqual(moved);

      expect((await t.patch(`${URL}/${support.id}`, { parent_id: null }, acme)).status).toBe(200);
      expect(await storedPath(t, billing.id)).toEqual({ items_count: 2, name: 'Support / Billing', materialized_path: `${support.id}/${billing.id}` });
      // a rename to the same name rewrites no descendant
      const before = await t.db.query(`SELECT xmin::text FROM menus WHERE id = $1`, [billing.id]);
      expect((await t.patch(`${URL}/${support.id}`, { name: 'Support' }, acme)).status).toBe(200);
      expect(await t.db.query(`SELECT xmin::text FROM menus WHERE id = $1`, [billing.id])).toEqual(before);
      // a deleted menu keeps its place: a call's path is history
      expect((await t.delete(`${URL}/${billing.id}`, acme)).status).toBe(204);
      expect(await storedPath(t, billing.id)).toEqual({ items_count: 2, name: 'Support / Billing', materialized_path: `${support.id}/${billing.id}` });
    });

    it('a child added while its parent is renamed gets the new name: the rename waits for it', async () => {
      const companyId = await companyIdOf(t, acme);
      const [root] = await createMenuPath(t, acme, ['Before']);
      // One transaction adds a child (straight in SQL: the API serialises
      // tree changes itself), another renames the parent meanwhile.
      let renamed: ReturnType<TestApp['patch']> | undefined;
      const child = await t.db.transaction(async (adding) => {
        const [added] = await adding.query<{ id: string }>(
          `INSERT INTO menus (company_id, parent_id, name, menu_type) VALUES ($1, $2, 'Child', 'ivr_menu') RETURNING id`,
          [companyId, root.id],
        );
        renamed = t.patch(`${URL}/${root.id}`, { name: 'After' }, acme);
        await until('the rename waits for the child being added', async () => (await lockWaits(t.db)) > 0);
        return added;
      });
      expect((await renamed!).status).toBe(200);
      expect(await storedPath(t, child.id)).toEqual({ items_count: 2, name: 'After / Child', materialized_path: `${root.id}/${child.id}` });
    });
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/manager/api/v1/menus', '/manager/api/v1/menus/tree', '/manager/api/v1/menus/{id}']));
    expect(res.body.components.schemas.CreateMenuDto.properties).toHaveProperty('business_hours');
    expect(res.body.components.schemas.MenuResponse.properties).toHaveProperty('deleted');
  });
});

// A test title for a request body: its JSON, cut short.
function brief(body: unknown): string {
  const json = JSON.stringify(body);
  return json.length > 90 ? `${json.slice(0, 90)}…` : json;
}

async function companyIdOf(t: TestApp, company: TestCompany): Promise<string> {
  const [row] = await t.db.query(`SELECT id FROM companies WHERE key = $1`, [company.key]);
  return String(row.id);
}

// The path stored on a menu (jsonb: compared as a value, whatever its key order).
async function storedPath(t: TestApp, id: number | string): Promise<unknown> {
  const [row] = await t.db.query(`SELECT path FROM menus WHERE id = $1`, [id]);
  return row?.path ?? null;
}
