import fc from 'fast-check';
import { CallFixtures, CallRowCounts, countCallRows, FUTURE, nextUtc, seedCallFixtures } from './support/call-fixtures';
import { TestApp, TestCompany } from './support/test-app';

// POST /apps/api/v1/calls with thousands of generated bodies: whatever is
// sent, the answer is never a 5xx, and a 4xx is {message: string} and
// writes nothing.
const URL = '/apps/api/v1/calls';
const CALL_TYPES = ['Voice Outbound (API)', 'OutboundCall', 'Voice Inbound (API)', 'IncomingCall', 'Voice Scheduled (API)', 'ScheduledCall'];
// A fixed seed keeps runs repeatable; FC_SEED, FC_RUNS and FC_VERBOSE explore further.
const SEED = Number(process.env.FC_SEED ?? 20261123);
const NUM_RUNS = Number(process.env.FC_RUNS ?? 2000);

// Strings that have broken servers before: NUL, lone surrogates, control
// and bidi characters, SQL, format strings, number-like text.
const NASTY = [
  '', ' ', '\u0000', 'a\u0000b@example.com', '\ud800', 'x\udfff', '😀', 'e\u0301', '\u202e', '\n', '\t', '\\',
  "'; DROP TABLE calls; --", "' OR '1'='1", '%s%n%x', '{{7*7}}', '../../etc/passwd', '<script>alert(1)</script>',
  'null', 'undefined', 'NaN', 'Infinity', '1e309', '-0', '0x10', '9'.repeat(30), '+', '++1 859 657 9625', '@', 'a@b',
];
const HUGE = ['x'.repeat(20_000), '9'.repeat(5_000), `+1${'0'.repeat(1_000)}`, `a@${'b'.repeat(300)}.com`, 'é'.repeat(10_000)];

// A string with one character PostgreSQL or JSON tooling may choke on.
const POISON = ['\u0000', '\ud800', '\udfff', '\u0001', '\u001f', '\u007f', '\ufffe', '\u2028'];
const poisoned = (text: fc.Arbitrary<string>) => fc.tuple(text, fc.constantFrom(...POISON), text).map(([a, p, b]) => `${a}${p}${b}`);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 9.5, 1e21, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 63),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  poisoned(fc.string({ maxLength: 8 })),
  fc.constantFrom(...NASTY),
  fc.constantFrom(...HUGE),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

interface World {
  f: CallFixtures; // a default outbound number
  g: CallFixtures; // several outbound numbers, no default: 202s
  other: CallFixtures; // never the company sending
  callIds: number[];
}

// Plausible values of every request field, for one company.
function plausible(w: World, fx: CallFixtures): Record<string, fc.Arbitrary<unknown>> {
  const agents = Object.values(fx.agents).map((a) => a.email);
  return {
    call_type: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CALL_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('InvalidCallType', 'voice inbound (api)', 'Voice Outbound', '') }),
    agent_email: fc.constantFrom(...agents, agents[0].toUpperCase(), w.other.agents.available.email, 'nobody@example.com', 'not-an-address'),
    menu_id: fc.constantFrom(...Object.values(fx.menus), w.other.menus.mobile, 9999, 0, -1, 9.5, 'menu_999'),
    call_id: fc.constantFrom(...w.callIds, 514, String(w.callIds[0]), w.other.menus.mobile),
    end_user_number: fc.constantFrom('+1 859-657-9625', '+82-10-6861-2345', '+18596579625', '+1 (202) 555-0143', '123123', '+1 999-657-12', ''),
    ticket_id: fc.constantFrom('71450', '71451', 71450, 71451, 1, 'other-only', ''),
    outbound_number: fc.constantFrom('+1 760-867-5309', '+17608675309', '+1 339-219-5276', '+15555550100', 'abc'),
    lang: fc.constantFrom('en', 'es', 'fr', 'xy', 'EN', 'de', ''),
    scheduled_at: fc.constantFrom(FUTURE(), '2999-01-01T00:00:00Z', '2019-09-15T00:19:14.421Z', nextUtc(1, 10), nextUtc(0, 10), '2099-02-30T10:00:00Z', '2099-01-01', '2099-01-01T10:00:00', '2099-01-01T10:00:00+05:30'),
    recording_permission: fc.constantFrom('recording_permission_granted', 'recording_permission_denied', 'recording_permission_not_asked', 'granted'),
  };
}

// A valid body of each shape, which the generator then damages field by field.
function validBodies(fx: CallFixtures): Array<Record<string, unknown>> {
  return [
    { call_type: 'Voice Outbound (API)', agent_email: fx.agents.available.email, end_user_number: '+1 859-657-9625' },
    { call_type: 'Voice Outbound (API)', agent_email: fx.agents.available.email, ticket_id: '71451' },
    { call_type: 'Voice Inbound (API)', menu_id: fx.menus.ivrLeaf, end_user_number: '+1 859-657-9625', recording_permission: 'recording_permission_granted' },
    { call_type: 'Voice Inbound (API)', menu_id: fx.menus.mobile, ticket_id: '71450', lang: 'es' },
    { call_type: 'Voice Scheduled (API)', menu_id: fx.menus.web, end_user_number: '+1 859-657-9625', scheduled_at: FUTURE() },
    { call_type: 'Voice Scheduled (API)', menu_id: fx.menus.weekdaysNineToFive, ticket_id: '71450', scheduled_at: nextUtc(2, 12) },
  ];
}

// Bodies for one company: mostly a valid body with a few fields kept,
// dropped, swapped for another plausible value or for anything at all; now
// and then a body made of random fields, or no object at all.
function bodies(w: World, fx: CallFixtures): fc.Arbitrary<unknown> {
  const fields = plausible(w, fx);
  const damage = (value: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constant({ keep: true }) },
      { weight: 1, arbitrary: fc.constant({ drop: true }) },
      { weight: 1, arbitrary: value.map((v) => ({ set: v })) },
      { weight: 1, arbitrary: junk.map((v) => ({ set: v })) },
      // A plausible value with a poison character inside it.
      { weight: 1, arbitrary: value.chain((v) => (typeof v === 'string' ? poisoned(fc.constant(v)) : fc.constant(v))).map((v) => ({ set: v })) },
    );
  const damages = fc.record(Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, damage(value)])));
  const extras = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('id', 'status', 'company_id', 'parent_id', 'created_at', 'agent_id')), junk, { maxKeys: 2 });
  const damaged = fc.tuple(fc.constantFrom(...validBodies(fx)), damages, fc.option(extras, { freq: 4 })).map(([valid, changes, extra]) => {
    const body: Record<string, unknown> = { ...(extra ?? {}), ...valid };
    for (const [name, change] of Object.entries(changes as Record<string, { keep?: true; drop?: true; set?: unknown }>)) {
      if (change.drop) delete body[name];
      else if ('set' in change) body[name] = change.set;
    }
    return body;
  });
  const random = fc.tuple(extras, fc.record(Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, fc.oneof(value, junk)])), { requiredKeys: [] })).map(([extra, known]) => ({ ...extra, ...known }));
  return fc.oneof({ weight: 12, arbitrary: damaged }, { weight: 3, arbitrary: random }, { weight: 1, arbitrary: junk });
}

describe('POST /apps/api/v1/calls under generated input', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await TestApp.start();
    const f = await seedCallFixtures(t);
    const g = await seedCallFixtures(t, {
      outboundNumbers: [
        { number: '+1 760-867-5309', e164: '+17608675309', isDefault: false },
        { number: '+1 339-219-5276', e164: '+13392195276', isDefault: false },
      ],
    });
    const other = await seedCallFixtures(t);
    const callIds: number[] = [];
    for (const fx of [f, g]) {
      for (const menu of [fx.menus.ivrLeaf, fx.menus.mobile]) {
        const res = await t.post(URL, { call_type: 'Voice Inbound (API)', menu_id: menu, end_user_number: '+1 859-657-9625' }, fx.company);
        callIds.push(res.body.id);
      }
    }
    w = { f, g, other, callIds };
  });
  afterAll(() => t.close());

  // Frees the agent of an outbound call the fuzzer placed, so later bodies
  // can reach the end of the outbound table again.
  const hangUp = (callId: number) =>
    t.db.query(`WITH c AS (UPDATE calls SET status = 'finished', ends_at = now() WHERE id = $1 RETURNING agent_id) UPDATE agents SET status = 'available' WHERE id IN (SELECT agent_id FROM c)`, [callId]);

  const check = async (company: { company: TestCompany; companyId: string }, raw: string, headers: Record<string, string>, label: string, seen: Map<number, number>) => {
    const before: CallRowCounts = await countCallRows(t, company.companyId);
    const res = await t.request('POST', URL, { rawBody: raw, auth: company.company, headers });
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    const where = `${label} ${raw.slice(0, 400)} ${JSON.stringify(headers)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${where}`);
    if (res.status >= 400) {
      const body = res.body as unknown;
      const error = body as { message?: unknown; error?: unknown; status?: unknown } | null;
      const wellFormed = typeof error === 'object' && error !== null && typeof error.message === 'string' && typeof error.error === 'string' && error.status === res.status;
      if (!wellFormed || Object.keys(error).sort().join() !== 'error,message,status') throw new Error(`4xx without {message, error, status}: ${where}`);
      const after = await countCallRows(t, company.companyId);
      if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`4xx wrote rows ${JSON.stringify(before)} -> ${JSON.stringify(after)}: ${where}`);
    } else if (res.status === 201) {
      if (typeof res.body.id !== 'number' || !['assigned', 'queued', 'scheduled'].includes(res.body.status)) throw new Error(`odd 201: ${where}`);
      if (res.body.status === 'assigned') await hangUp(res.body.id);
    } else if (res.status === 202) {
      if (!['select_outbound_number', 'select_end_user_number'].includes(res.body.pending_action) || !Array.isArray(res.body.choices)) throw new Error(`odd 202: ${where}`);
    } else {
      throw new Error(`unexpected status: ${where}`);
    }
    return res;
  };

  it(`never answers 5xx, and every 4xx is {message, error, status} and writes nothing (${NUM_RUNS} bodies)`, async () => {
    const seen = new Map<number, number>();
    const created = new Map<string, number>();
    // Mostly no key; sometimes a fresh one; now and then a reused one (a replay or a 422).
    const key = fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('fuzz-1', 'fuzz-2', 'fuzz-3') });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(w.f, w.g).chain((company) => fc.tuple(fc.constant(company), bodies(w, company))), key, async ([company, body], idempotencyKey) => {
        const headers: Record<string, string> = idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey };
        const res = await check(company, JSON.stringify(body), headers, 'body', seen);
        if (res.status === 201) created.set(res.body.call_type, (created.get(res.body.call_type) ?? 0) + 1);
      }),
      { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.FC_VERBOSE) console.log(JSON.stringify({ statuses: Object.fromEntries(seen), created: Object.fromEntries(created) }));
    // The generator reaches the end of each table, not only its first rows.
    expect([...seen.keys()].sort()).toEqual(expect.arrayContaining([201, 202, 400, 422]));
    expect([...created.keys()].sort()).toEqual(['Voice Inbound (API)', 'Voice Outbound (API)', 'Voice Scheduled (API)']);
  });

  describe('bodies that are not a JSON object', () => {
    it.each<[string, string, Record<string, string>, number, string | null]>([
      // Fastify answers these before the controller, in its own words.
      ['invalid JSON', '{"call_type": "Voice Inbound (API)",', {}, 400, null],
      ['JSON with a trailing comma', '{"call_type": "Voice Inbound (API)",}', {}, 400, null],
      ['an empty body', '', {}, 400, null],
      ['a body of spaces', '   ', {}, 400, null],
      ['a __proto__ key', '{"__proto__": {"call_type": "Voice Inbound (API)"}, "call_type": "Voice Inbound (API)"}', {}, 400, null],
      ['XML', '<call><call_type>Voice Inbound (API)</call_type></call>', { 'content-type': 'application/xml' }, 415, null],
      ['a body over the 1 MiB limit', JSON.stringify({ call_type: 'Voice Inbound (API)', pad: 'x'.repeat(1_100_000) }), {}, 413, null],
      ['a form (JSON only)', 'menu_id=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, null],
      ['JSON sent as text/plain', '{"call_type": "Voice Inbound (API)"}', { 'content-type': 'text/plain' }, 415, null],
      ['a JSON string', '"Voice Inbound (API)"', {}, 400, 'Invalid call type'],
      ['JSON null', 'null', {}, 400, 'Invalid call type'],
      ['a JSON number', '42', {}, 400, 'Invalid call type'],
      ['a JSON array', '[]', {}, 400, 'Invalid call type'],
    ])('answers a 4xx with a message for %s, and writes nothing', async (_name, raw, headers, status, message) => {
      const seen = new Map<number, number>();
      for (const key of [undefined, `raw-${Math.random()}`]) {
        const res = await check(w.f, raw, key ? { ...headers, 'idempotency-key': key } : headers, 'raw', seen);
        expect(res.status).toBe(status);
        if (message !== null) expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
      }
    });
  });

  describe('hand-picked hostile bodies', () => {
    const inbound = () => ({ call_type: 'Voice Inbound (API)', menu_id: w.f.menus.ivrLeaf, end_user_number: '+1 859-657-9625' });
    const outbound = () => ({ call_type: 'Voice Outbound (API)', agent_email: w.f.agents.available.email, end_user_number: '+1 859-657-9625' });
    let deep = '1';
    for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;

    it.each<[string, () => string, number, string | null, boolean]>([
      // PostgreSQL text cannot hold NUL: the app refuses it before the controller.
      ['a NUL in agent_email', () => JSON.stringify({ ...outbound(), agent_email: 'a\u0000@example.com' }), 400, null, true],
      ['a NUL in ticket_id (outbound)', () => JSON.stringify({ ...outbound(), ticket_id: '71450\u0000' }), 400, null, true],
      ['a NUL in ticket_id (inbound)', () => JSON.stringify({ ...inbound(), ticket_id: '\u0000' }), 400, null, true],
      ['a NUL in lang', () => JSON.stringify({ ...inbound(), lang: 'e\u0000' }), 400, null, true],
      ['a NUL in call_id', () => JSON.stringify({ call_type: 'Voice Scheduled (API)', call_id: '\u0000' }), 400, null, true],
      ['a lone surrogate in lang', () => JSON.stringify({ ...inbound(), lang: 'e\ud800' }), 400, 'Text must be valid Unicode: it contains a lone UTF-16 surrogate', true],
      ['a lone surrogate in call_id', () => JSON.stringify({ call_type: 'Voice Scheduled (API)', call_id: '\udc00' }), 400, 'Text must be valid Unicode: it contains a lone UTF-16 surrogate', true],
      ['a lone surrogate in ticket_id', () => JSON.stringify({ ...inbound(), ticket_id: '\ud83d' }), 400, 'Text must be valid Unicode: it contains a lone UTF-16 surrogate', true],
      ['a lone surrogate in agent_email', () => JSON.stringify({ ...outbound(), agent_email: '\ud83d@example.com' }), 400, 'Text must be valid Unicode: it contains a lone UTF-16 surrogate', true],
      ['a call_id beyond bigint', () => JSON.stringify({ call_type: 'Voice Scheduled (API)', call_id: 1e20 }), 400, 'Call 100000000000000000000 is not found', false],
      ['a menu_id beyond bigint', () => JSON.stringify({ ...inbound(), menu_id: 1e20 }), 400, 'menu_id 100000000000000000000 is not found', false],
      ['a deeply nested call_type', () => `{"call_type": ${deep}}`, 400, 'JSON must not be nested deeper than 32 levels', true],
      ['a deeply nested extra field', () => JSON.stringify(inbound()).replace(/}$/, `, "extra": ${deep}}`), 400, 'JSON must not be nested deeper than 32 levels', true],
      ['a 20 000-character lang', () => JSON.stringify({ ...inbound(), lang: 'x'.repeat(20_000) }), 400, `Language '${'x'.repeat(20_000)}' is not found`, false],
    ])('%s', async (_name, raw, status, message, refusedAtTheDoor) => {
      const seen = new Map<number, number>();
      for (const key of [undefined, `hostile-${Math.random()}`]) {
        const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
        const res = await check(w.f, raw(), headers, 'hostile', seen);
        expect(res.status).toBe(status);
        if (message !== null) expect(res.body).toEqual({ error: expect.any(String), status: expect.any(Number), message });
        // A retry answers the same; a replay when the controller answered.
        if (key) {
          const again = await check(w.f, raw(), headers, 'hostile replay', seen);
          expect({ status: again.status, body: again.body, replayed: again.headers['idempotent-replayed'] }).toEqual({ status: res.status, body: res.body, replayed: refusedAtTheDoor ? undefined : 'true' });
        }
      }
    });
  });
});
