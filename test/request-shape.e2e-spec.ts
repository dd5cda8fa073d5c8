// The shape every request must have (src/http/request-shape.ts), on every
// route that takes a body, read from the OpenAPI document so that a new
// route is covered too: a body nested 1,500 or 5,000 levels deep (inside an
// unknown field as well), and a lone UTF-16 surrogate in a field, are 400s
// with their own code, never a 5xx, and write nothing.
import { ADMIN_TOKEN, TestApp } from './support/test-app';
import { seedCallFixtures, CallFixtures } from './support/call-fixtures';
import { callIn } from './support/lifecycle-fixtures';

// JSON text nested `levels` deep (objects and arrays in turn), written out
// by hand: JSON.stringify itself overflows on such values.
const nested = (levels: number): string => {
  let text = '"leaf"';
  for (let i = 0; i < levels; i++) text = i % 2 ? `[${text}]` : `{"a":${text}}`;
  return text;
};
const rawNested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

describe('the shape of every request', () => {
  let t: TestApp;
  let f: CallFixtures;
  let routes: Array<{ method: string; url: string }>;
  let callId: number;

  beforeAll(async () => {
    t = await TestApp.start();
    f = await seedCallFixtures(t);
    callId = (await callIn(t, f, 'connected')).id;
    const doc = (await t.get('/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['post', 'patch', 'put'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{[^}]+\}/g, (name) => (name === '{id}' && path.includes('/calls/') ? String(callId) : '1')) })),
    );
  });
  afterAll(() => t.close());

  const auth = (url: string) => (url.startsWith('/admin') ? `Bearer ${ADMIN_TOKEN}` : f.company.auth);
  const rowCounts = async () => (await t.db.query(`SELECT (SELECT count(*) FROM calls) + (SELECT count(*) FROM call_events) + (SELECT count(*) FROM agents) + (SELECT count(*) FROM menus) AS n`))[0].n;

  it('finds the routes to try', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('refuses a body nested too deep on every route, with 400 json_too_deep', async () => {
    const before = await rowCounts();
    const answers = [];
    for (const { method, url } of routes) {
      for (const rawBody of [`{"unknown_field":${nested(1_500)}}`, `{"type":"deflect","deflection_details":${nested(4_900)}}`, rawNested(5_000)]) {
        const res = await t.request(method, url, { rawBody, auth: auth(url) });
        answers.push({ route: `${method} ${url}`, status: res.status, error: res.body?.error });
      }
    }
    expect(answers.filter((a) => a.status !== 400 || a.error !== 'json_too_deep')).toEqual([]);
    expect(await rowCounts()).toBe(before);
  });

  it('refuses a lone surrogate in a field on every route, with 400 text_lone_surrogate', async () => {
    const before = await rowCounts();
    const answers = [];
    for (const { method, url } of routes) {
      for (const body of [{ email: 'agent\ud800@example.com', name: 'x' }, { type: 'offer', group: '\udfff' }, { ['key\ud800']: 1 }]) {
        const res = await t.request(method, url, { body, auth: auth(url) });
        answers.push({ route: `${method} ${url}`, status: res.status, error: res.body?.error });
      }
    }
    expect(answers.filter((a) => a.status !== 400 || a.error !== 'text_lone_surrogate')).toEqual([]);
    expect(await rowCounts()).toBe(before);
  });

  it('takes a well-formed pair of surrogates (an emoji) as text', async () => {
    const queued = await callIn(t, f, 'queued');
    const res = await t.post(`/apps/api/v1/calls/${queued.id}/events`, { type: 'offer', group: 'Sales 😀' }, f.company);
    expect(res.status).toBe(200);
    expect(res.body.offer_events.at(-1).group).toBe('Sales 😀');
  });

  it('refuses an id beyond any id (1e20, 2^63) with 400, not a database error', async () => {
    for (const toMenuId of [1e20, 9223372036854775808, -1, 0]) {
      const res = await t.post(`/apps/api/v1/calls/${callId}/events`, { type: 'transfer', to_menu_id: toMenuId }, f.company);
      expect({ toMenuId, status: res.status }).toEqual({ toMenuId, status: 400 });
    }
  });
});
