import { CallFixtures, FUTURE, seedCallFixtures } from './support/call-fixtures';
import { callShapeProblems, ISO_MS } from './support/call-object';
import { TestApp } from './support/test-app';

// Reading calls: one call, its event log, and the Manager API's list.
const CALLS = '/apps/api/v1/calls';
const LIST = '/manager/api/v1/calls';
const OUT = 'Voice Outbound (API)';
const IN = 'Voice Inbound (API)';
const SCH = 'Voice Scheduled (API)';

describe('reading calls', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  const inbound = async (f: CallFixtures, over: Record<string, unknown> = {}) => {
    const res = await t.post(CALLS, { call_type: IN, menu_id: f.menus.ivrLeaf, end_user_number: '+1 859-657-9625', ...over }, f.company);
    expect(res.status).toBe(201);
    return res.body;
  };
  const scheduled = async (f: CallFixtures, at = FUTURE()) => {
    const res = await t.post(CALLS, { call_type: SCH, menu_id: f.menus.web, end_user_number: '+1 859-657-9625', scheduled_at: at }, f.company);
    expect(res.status).toBe(201);
    return res.body;
  };
  const outbound = async (f: CallFixtures) => {
    const res = await t.post(CALLS, { call_type: OUT, agent_email: f.agents.available.email, end_user_number: '+1 859-657-9625' }, f.company);
    expect(res.status).toBe(201);
    return res.body;
  };
  const setTimes = (id: number, createdAt: string, updatedAt = createdAt) => t.db.query(`UPDATE calls SET created_at = $2, updated_at = $3 WHERE id = $1`, [id, createdAt, updatedAt]);
  const ids = (body: Array<{ id: number }>) => body.map((c) => c.id);

  describe('GET /apps/api/v1/calls/:id', () => {
    it('answers the call object', async () => {
      const f = await seedCallFixtures(t);
      const call = await outbound(f);
      const res = await t.get(`${CALLS}/${call.id}`, f.company);
      expect(res.status).toBe(200);
      expect(callShapeProblems(res.body)).toEqual([]);
      expect(res.body).toEqual(call);
    });

    it.each([
      ['an id no call has', '42', 'Call 42 is not found'],
      ['a non-numeric id', 'abc', 'Call abc is not found'],
      ['a decimal id', '1.5', 'Call 1.5 is not found'],
      ['zero', '0', 'Call 0 is not found'],
      ['a negative id', '-1', 'Call -1 is not found'],
      ['an id too large for any row', '99999999999999999999', 'Call 99999999999999999999 is not found'],
      ['an id with leading zeros', '0001', 'Call 0001 is not found'],
      ['an id with SQL in it', "1%20OR%201%3D1", 'Call 1 OR 1=1 is not found'],
    ])('answers 404 for %s, naming the id as sent', async (_name, id, message) => {
      const f = await seedCallFixtures(t);
      const res = await t.get(`${CALLS}/${id}`, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message } });
    });

    it("answers 404 for another company's call, exactly as for an unknown id", async () => {
      const f = await seedCallFixtures(t);
      const g = await seedCallFixtures(t);
      const theirs = await inbound(g);
      for (const url of [`${CALLS}/${theirs.id}`, `${LIST}/${theirs.id}`, `${CALLS}/${theirs.id}/events`]) {
        const res = await t.get(url, f.company);
        expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: `Call ${theirs.id} is not found` } });
      }
    });

    it('answers durations in whole seconds between the recorded times', async () => {
      const f = await seedCallFixtures(t);
      const call = await inbound(f);
      await t.db.query(
        `UPDATE calls SET status = 'finished', queued_at = '2025-01-01T10:00:00.000Z', assigned_at = '2025-01-01T10:00:42.900Z',
                connected_at = '2025-01-01T10:00:50.000Z', ends_at = '2025-01-01T10:01:55.500Z', hold_ms = 3999 WHERE id = $1`,
        [call.id],
      );
      const res = await t.get(`${CALLS}/${call.id}`, f.company);
      expect(res.body).toMatchObject({ wait_duration: 42, call_duration: 65, hold_duration: 3, ends_at: '2025-01-01T10:01:55.500Z' });
    });

    it('counts wait_duration up to the end for a call never assigned', async () => {
      const f = await seedCallFixtures(t);
      const call = await inbound(f);
      await t.db.query(`UPDATE calls SET status = 'failed', queued_at = '2025-01-01T10:00:00Z', ends_at = '2025-01-01T10:00:30.999Z' WHERE id = $1`, [call.id]);
      expect((await t.get(`${CALLS}/${call.id}`, f.company)).body).toMatchObject({ wait_duration: 30, call_duration: 0 });
    });

    it('counts wait_duration up to now while the call is queued', async () => {
      const f = await seedCallFixtures(t);
      const call = await inbound(f);
      await t.db.query(`UPDATE calls SET queued_at = now() - interval '90 seconds' WHERE id = $1`, [call.id]);
      const wait = (await t.get(`${CALLS}/${call.id}`, f.company)).body.wait_duration;
      expect(wait).toBeGreaterThanOrEqual(90);
      expect(wait).toBeLessThan(100);
    });

    it('needs credentials', async () => {
      const f = await seedCallFixtures(t);
      const call = await inbound(f);
      const res = await t.get(`${CALLS}/${call.id}`);
      expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' } });
    });
  });

  describe('GET /apps/api/v1/calls/:id/events', () => {
    it.each([
      ['outbound', 'assigned', outbound],
      ['inbound', 'queued', inbound],
      ['scheduled', 'scheduled', (f: CallFixtures) => scheduled(f)],
    ] as const)('starts with the creation of an %s call as event 1', async (_kind, status, create) => {
      const f = await seedCallFixtures(t);
      const call = await create(f);
      const res = await t.get(`${CALLS}/${call.id}/events`, f.company);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          seq: 1,
          type: 'created',
          from: null,
          to: status,
          data: expect.objectContaining({ call_type: call.call_type, lang: 'en', end_user_id: call.end_user.id, end_user_number: '+18596579625' }),
          event_id: null,
          created_at: call.created_at,
        },
      ]);
      expect(res.body[0].created_at).toMatch(ISO_MS);
    });

    it('answers 404 for an unknown call', async () => {
      const f = await seedCallFixtures(t);
      const res = await t.get(`${CALLS}/abc/events`, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: 'Call abc is not found' } });
    });
  });

  describe('GET /manager/api/v1/calls/:id', () => {
    it('answers the same call object as the Apps API', async () => {
      const f = await seedCallFixtures(t);
      const call = await inbound(f);
      const res = await t.get(`${LIST}/${call.id}`, f.company);
      expect(res.status).toBe(200);
      expect(res.body).toEqual((await t.get(`${CALLS}/${call.id}`, f.company)).body);
    });

    it('answers 404 for an unknown id', async () => {
      const f = await seedCallFixtures(t);
      const res = await t.get(`${LIST}/42`, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: 'Call 42 is not found' } });
    });
  });

  describe('GET /manager/api/v1/calls', () => {
    // Five calls of one company, created on five known days.
    const fiveCalls = async () => {
      const f = await seedCallFixtures(t);
      const calls = [await inbound(f), await outbound(f), await scheduled(f), await inbound(f), await scheduled(f)];
      for (const [i, call] of calls.entries()) await setTimes(call.id, `2025-01-0${i + 1}T10:00:00.000Z`);
      return { f, ids: calls.map((c) => c.id as number) };
    };
    const nextLink = (link: unknown) => /<([^>]+)>;\s*rel="next"/.exec(String(link ?? ''))?.[1];

    it('answers a bare array of call objects, oldest first, with paging headers', async () => {
      const { f, ids: all } = await fiveCalls();
      const res = await t.get(LIST, f.company);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(ids(res.body)).toEqual(all);
      for (const call of res.body) expect(callShapeProblems(call)).toEqual([]);
      expect(res.headers.total).toBe('5');
      expect(res.headers['per-page']).toBe('100');
      expect(nextLink(res.headers.link)).toBeUndefined();
    });

    it('pages with page and per, linking rel="next" while more pages remain', async () => {
      const { f, ids: all } = await fiveCalls();
      const seen: number[] = [];
      let url: string | undefined = `${LIST}?per=2`;
      const pages: number[][] = [];
      while (url) {
        const res = await t.get(url, f.company);
        expect(res.status).toBe(200);
        expect(res.headers.total).toBe('5');
        expect(res.headers['per-page']).toBe('2');
        pages.push(ids(res.body));
        seen.push(...ids(res.body));
        const next = nextLink(res.headers.link);
        url = next ? new URL(next).pathname + new URL(next).search : undefined;
        expect(pages.length).toBeLessThan(5);
      }
      expect(pages).toEqual([all.slice(0, 2), all.slice(2, 4), all.slice(4)]);
      expect(seen).toEqual(all);
    });

    it('has no rel="next" on the last page, and an empty page past it', async () => {
      const { f, ids: all } = await fiveCalls();
      const last = await t.get(`${LIST}?page=3&per=2`, f.company);
      expect(ids(last.body)).toEqual([all[4]]);
      expect(nextLink(last.headers.link)).toBeUndefined();
      const past = await t.get(`${LIST}?page=4&per=2`, f.company);
      expect(past.status).toBe(200);
      expect(past.body).toEqual([]);
      expect(nextLink(past.headers.link)).toBeUndefined();
    });

    it('keeps the filters in the rel="next" link', async () => {
      const { f, ids: all } = await fiveCalls();
      const first = await t.get(`${LIST}?per=1&status=queued`, f.company);
      expect(ids(first.body)).toEqual([all[0]]);
      const next = new URL(nextLink(first.headers.link)!);
      expect(next.searchParams.get('status')).toBe('queued');
      const second = await t.get(next.pathname + next.search, f.company);
      expect(ids(second.body)).toEqual([all[3]]);
      expect(nextLink(second.headers.link)).toBeUndefined();
    });

    it('answers an empty list for a company without calls', async () => {
      const f = await seedCallFixtures(t);
      const res = await t.get(LIST, f.company);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers.total).toBe('0');
    });

    it.each([
      ['created_at ASC', 'sort_column=created_at&sort_direction=ASC', [0, 1, 2, 3, 4]],
      ['created_at DESC', 'sort_column=created_at&sort_direction=DESC', [4, 3, 2, 1, 0]],
      ['id DESC', 'sort_column=id&sort_direction=DESC', [4, 3, 2, 1, 0]],
      ['id ASC', 'sort_column=id', [0, 1, 2, 3, 4]],
      ['DESC with the default column (created_at)', 'sort_direction=DESC', [4, 3, 2, 1, 0]],
    ])('sorts by %s', async (_name, query, order) => {
      const { f, ids: all } = await fiveCalls();
      const res = await t.get(`${LIST}?${query}`, f.company);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(order.map((i) => all[i]));
    });

    it('sorts by updated_at', async () => {
      const { f, ids: all } = await fiveCalls();
      // updated_at in the reverse order of created_at.
      for (const [i, id] of all.entries()) await t.db.query(`UPDATE calls SET updated_at = $2 WHERE id = $1`, [id, `2025-02-0${5 - i}T10:00:00.000Z`]);
      expect(ids((await t.get(`${LIST}?sort_column=updated_at&sort_direction=ASC`, f.company)).body)).toEqual([...all].reverse());
      expect(ids((await t.get(`${LIST}?sort_column=updated_at&sort_direction=DESC`, f.company)).body)).toEqual(all);
    });

    it('sorts by scheduled_at, calls without one last when ascending and first when descending', async () => {
      const f = await seedCallFixtures(t);
      const later = await scheduled(f, new Date(Date.now() + 7200_000).toISOString());
      const sooner = await scheduled(f, new Date(Date.now() + 3600_000).toISOString());
      const none = await inbound(f);
      expect(ids((await t.get(`${LIST}?sort_column=scheduled_at&sort_direction=ASC`, f.company)).body)).toEqual([sooner.id, later.id, none.id]);
      expect(ids((await t.get(`${LIST}?sort_column=scheduled_at&sort_direction=DESC`, f.company)).body)).toEqual([none.id, later.id, sooner.id]);
    });

    it('breaks ties by id in the sort direction', async () => {
      const { f, ids: all } = await fiveCalls();
      await t.db.query(`UPDATE calls SET created_at = '2025-03-01T00:00:00Z' WHERE id = ANY($1)`, [all]);
      expect(ids((await t.get(`${LIST}?sort_direction=ASC`, f.company)).body)).toEqual(all);
      expect(ids((await t.get(`${LIST}?sort_direction=DESC`, f.company)).body)).toEqual([...all].reverse());
    });

    it.each([
      ['created_at[from]', 'created_at[from]=2025-01-02T10:00:00.000Z', [1, 2, 3, 4]],
      ['created_at[to]', 'created_at[to]=2025-01-02T10:00:00.000Z', [0, 1]],
      ['created_at[from] and [to]', 'created_at[from]=2025-01-02T00:00:00Z&created_at[to]=2025-01-04T00:00:00Z', [1, 2]],
      ['created_at[from] with an offset', 'created_at[from]=2025-01-04T11:00:00%2B01:00', [3, 4]],
      ['created_at[from] with bracket characters encoded', 'created_at%5Bfrom%5D=2025-01-05T00:00:00Z', [4]],
      ['created_at[from] without a zone, read as UTC', 'created_at[from]=2025-01-04T10:00:00', [3, 4]],
      ['created_at[to] as a date only, read as its UTC midnight', 'created_at[to]=2025-01-03', [0, 1]],
      ['status', 'status=queued', [0, 3]],
      ['status assigned', 'status=assigned', [1]],
      ['call_type', `call_type=${encodeURIComponent(SCH)}`, [2, 4]],
      ['status and created_at together', 'status=scheduled&created_at[from]=2025-01-04T00:00:00Z', [4]],
      ['a status no call has', 'status=finished', []],
    ])('filters by %s', async (_name, query, expected) => {
      const { f, ids: all } = await fiveCalls();
      const res = await t.get(`${LIST}?${query}`, f.company);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(expected.map((i) => all[i]));
      expect(res.headers.total).toBe(String(expected.length));
    });

    it('filters by updated_at[from] and updated_at[to]', async () => {
      const { f, ids: all } = await fiveCalls();
      await t.db.query(`UPDATE calls SET updated_at = '2025-06-01T00:00:00Z' WHERE id = ANY($1)`, [[all[1], all[3]]]);
      expect(ids((await t.get(`${LIST}?updated_at[from]=2025-05-01T00:00:00Z`, f.company)).body)).toEqual([all[1], all[3]]);
      expect(ids((await t.get(`${LIST}?updated_at[to]=2025-05-01T00:00:00Z`, f.company)).body)).toEqual([all[0], all[2], all[4]]);
      expect(ids((await t.get(`${LIST}?updated_at[from]=2025-01-03T00:00:00Z&updated_at[to]=2025-05-01T00:00:00Z`, f.company)).body)).toEqual([all[2], all[4]]);
    });

    it.each([
      ['page', 'page=0'],
      ['page', 'page=-1'],
      ['page', 'page=abc'],
      ['page', 'page=1.5'],
      ['per', 'per=0'],
      ['per', 'per=101'],
      ['per', 'per=ten'],
      ['per', 'per=-5'],
      ['sort_column', 'sort_column=name'],
      ['sort_column', 'sort_column=created_at;DROP TABLE calls'],
      ['sort_direction', 'sort_direction=UP'],
      ['status', 'status=ringing'],
      ['call_type', 'call_type=Phone'],
      ['created_at[from]', 'created_at[from]=yesterday'],
      ['created_at[from]', 'created_at[from]=2025-02-30T00:00:00Z'],
      ['created_at[to]', 'created_at[to]=2025-13-01T00:00:00Z'],
      ['updated_at[from]', 'updated_at[from]=1735689600'],
      ['updated_at[to]', 'updated_at[to]=2025-01-01T25:00:00Z'],
      ['sort_column', 'sort_column=id&sort_column=created_at'],
    ])('answers 400 naming %s for %s', async (name, query) => {
      const f = await seedCallFixtures(t);
      const res = await t.get(`${LIST}?${query}`, f.company);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(['error', 'message', 'status']);
      expect(res.body.message).toContain(name);
    });

    it('accepts per=1 and per=100', async () => {
      const { f } = await fiveCalls();
      expect((await t.get(`${LIST}?per=1`, f.company)).body).toHaveLength(1);
      expect((await t.get(`${LIST}?per=100`, f.company)).body).toHaveLength(5);
    });

    it("never lists another company's calls", async () => {
      const { f, ids: mine } = await fiveCalls();
      const g = await seedCallFixtures(t);
      const theirs = [await inbound(g), await scheduled(g)];
      const res = await t.get(`${LIST}?per=100`, f.company);
      expect(ids(res.body)).toEqual(mine);
      expect(res.headers.total).toBe('5');
      const other = await t.get(LIST, g.company);
      expect(ids(other.body)).toEqual(theirs.map((c) => c.id));
      expect(other.headers.total).toBe('2');
    });

    it('needs credentials', async () => {
      const res = await t.get(LIST);
      expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' } });
    });
  });
});
