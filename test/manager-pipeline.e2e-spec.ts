import { createAgent } from './factories';
import { recordValidators } from './support/ccai-record-shapes';
import { seedCallFixtures, CallFixtures } from './support/call-fixtures';
import { callIn, eventsUrl } from './support/lifecycle-fixtures';
import { TestApp, TestResponse } from './support/test-app';

const PUBLIC_URL = 'https://switchboard.example.com';
const BASE = '/manager/api/v1';
const START_DATE = '2020-01-01T00:00:00Z';
const PER = 4; // small pages, so every incremental stream spans several

// The streams a Singer tap for CCAI (UJET) reads, as it reads them: the
// incremental ones sorted ascending on their replication key from a bookmark
// (`<key>[from]`, inclusive), the others whole; trees flattened.
const STREAMS: Record<string, { key?: string; tree?: boolean }> = {
  agents: { key: 'status_updated_at' },
  agent_activity_logs: { key: 'started_at' },
  calls: { key: 'updated_at' },
  chats: { key: 'updated_at' },
  menus: {},
  'menus/tree': { tree: true },
  teams: {},
  'teams/tree': { tree: true },
  user_statuses: {},
};

type Record_ = Record<string, unknown> & { id: number };

describe('a Singer-style pipeline reading every stream', () => {
  let t: TestApp;
  let f: CallFixtures;
  const validators = recordValidators();

  beforeAll(async () => {
    t = await TestApp.start({ PUBLIC_URL });
    f = await seedCallFixtures(t);
    const agents = [];
    for (let i = 0; i < 6; i++) agents.push(await createAgent(t, f.company, { agent_number: String(2000 + i), avatar_url: `https://cdn.example.com/${i}.png` }));
    const lunch = (await t.post(`${BASE}/user_statuses`, { name: 'Lunch', color: '#abcdef', wfm_id: 7 }, f.company)).body;
    await t.patch(`${BASE}/agents/${agents[0].id}`, { status_id: lunch.id }, f.company);
    const team = (await t.post(`${BASE}/teams`, { name: 'Support', agent_ids: [agents[1].id, agents[2].id] }, f.company)).body;
    await t.post(`${BASE}/teams`, { name: 'Tier 2', parent_id: team.id, agent_ids: [agents[3].id] }, f.company);
    await t.patch(`${BASE}/menus/${f.menus.ivrLeaf}`, { agent_ids: [agents[4].id], team_ids: [team.id] }, f.company);
    for (let i = 0; i < 3; i++) await callIn(t, f, 'finished');
    for (let i = 0; i < 3; i++) await callIn(t, f, 'queued');
    const transferred = await callIn(t, f, 'connected');
    await t.post(eventsUrl(transferred.id), { type: 'transfer', to_agent_email: f.agents.other.email }, f.company);
    await t.post(eventsUrl(transferred.id), { type: 'transfer_completed' }, f.company);
  });
  afterAll(() => t.close());

  const flatten = (nodes: Array<Record_ & { children?: Record_[] }>): Record_[] =>
    nodes.flatMap(({ children, ...node }) => [node as Record_, ...flatten((children ?? []) as Array<Record_ & { children?: Record_[] }>)]);

  async function sync(stream: string, bookmark?: string): Promise<{ records: Record_[]; pages: number; bookmark?: string }> {
    const { key, tree } = STREAMS[stream];
    // As the tap builds it: the query string joined by hand, not encoded.
    let url: string | undefined = `${BASE}/${stream}?page=1&per=${PER}${key ? `&sort_column=${key}&sort_direction=ASC&${key}[from]=${bookmark ?? START_DATE}` : ''}`;
    const records: Record_[] = [];
    let pages = 0;
    while (url) {
      const res: TestResponse = await t.get(url, f.company);
      expect([url, res.status]).toEqual([url, 200]);
      expect(Array.isArray(res.body)).toBe(true);
      pages += 1;
      for (const record of (tree ? flatten(res.body) : res.body) as Record_[]) {
        const valid = validators[stream](record);
        if (!valid) throw new Error(`${stream} record ${JSON.stringify(record)} breaks the shape: ${JSON.stringify(validators[stream].errors)}`);
        records.push(record);
      }
      const next: string | undefined = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
      // Only https links are followed, as a careful pipeline does.
      if (next !== undefined) expect(next.startsWith(`${PUBLIC_URL}/`)).toBe(true);
      url = next?.slice(PUBLIC_URL.length);
      expect(pages).toBeLessThan(100);
    }
    const keys = key ? records.map((r) => String(r[key])).sort() : [];
    if (key) expect(records.map((r) => String(r[key]))).toEqual(keys); // ascending, across pages
    return { records, pages, bookmark: keys.at(-1) ?? bookmark };
  }

  const ids = (records: Record_[]) => records.map((r) => r.id).sort((a, b) => a - b);
  const stored = async (sql: string) => (await t.db.query<{ id: string }>(sql, [f.companyId])).map((r) => Number(r.id)).sort((a, b) => a - b);

  it('checks its credentials on settings/organization first', async () => {
    expect((await t.get(`${BASE}/settings/organization`, f.company)).status).toBe(200);
  });

  it('syncs everything Switchboard holds, every record of the shape CCAI publishes, then only what changed', async () => {
    const first: Record<string, Awaited<ReturnType<typeof sync>>> = {};
    for (const stream of Object.keys(STREAMS)) first[stream] = await sync(stream);

    expect(ids(first.agents.records)).toEqual(await stored(`SELECT id FROM agents WHERE company_id = $1`));
    expect(ids(first.agent_activity_logs.records)).toEqual(await stored(`SELECT id FROM agent_activity_logs WHERE company_id = $1`));
    expect(ids(first.calls.records)).toEqual(await stored(`SELECT id FROM calls WHERE company_id = $1`));
    expect(first.chats.records).toEqual([]);
    expect(ids(first.menus.records)).toEqual(await stored(`SELECT id FROM menus WHERE company_id = $1 AND NOT deleted`));
    expect(ids(first['menus/tree'].records)).toEqual(await stored(`SELECT id FROM menus WHERE company_id = $1 AND NOT deleted`));
    expect(ids(first.teams.records)).toEqual(await stored(`SELECT id FROM teams WHERE company_id = $1 AND NOT deleted`));
    expect(ids(first['teams/tree'].records)).toEqual(await stored(`SELECT id FROM teams WHERE company_id = $1 AND NOT deleted`));
    expect(ids(first.user_statuses.records)).toEqual(await stored(`SELECT id FROM user_statuses WHERE company_id = $1 AND NOT deleted`));
    for (const stream of ['agents', 'agent_activity_logs', 'calls']) expect([stream, first[stream].pages > 1]).toEqual([stream, true]);
    expect(first.calls.records.some((c) => (c.transfers as unknown[]).length > 0)).toBe(true);
    expect(first['menus/tree'].records.find((m) => m.id === f.menus.ivrLeaf)?.agents_count).toBe(3);

    // Changes after the first sync: an agent's status, a new call and its log.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const agent = first.agents.records[0];
    await t.patch(`${BASE}/agents/${agent.id}`, { status: 'offline' }, f.company);
    const call = await callIn(t, f, 'finished');

    const second: Record<string, Awaited<ReturnType<typeof sync>>> = {};
    for (const stream of ['agents', 'agent_activity_logs', 'calls']) second[stream] = await sync(stream, first[stream].bookmark);
    expect(second.agents.records.map((r) => r.id)).toContain(agent.id);
    expect(second.calls.records.map((r) => r.id)).toContain(call.id);
    const newLogs = await stored(`SELECT id FROM agent_activity_logs WHERE company_id = $1 AND id > ${Math.max(...ids(first.agent_activity_logs.records))}`);
    expect(newLogs.length).toBeGreaterThan(0);
    for (const id of newLogs) expect(ids(second.agent_activity_logs.records)).toContain(id);
    // Nothing older than the bookmark comes again (the bookmark itself may: [from] is inclusive).
    for (const stream of ['agents', 'agent_activity_logs', 'calls']) {
      const key = STREAMS[stream].key!;
      for (const record of second[stream].records) expect(String(record[key]) >= first[stream].bookmark!).toBe(true);
      expect(second[stream].records.length).toBeLessThan(first[stream].records.length);
    }
  });
});
