import { CallMessages } from '../src/calls/call-errors';
import { CallFixtures, countCallRows, FUTURE, nextUtc, seedCallFixtures } from './support/call-fixtures';
import { callShapeProblems, ISO_MS } from './support/call-object';
import { TestApp } from './support/test-app';

// POST /apps/api/v1/calls against every row of the contract's three tables
// (shared spec calls-api.md). Messages are the spec's, byte for byte.
const URL = '/apps/api/v1/calls';
const OUT = 'Voice Outbound (API)';
const IN = 'Voice Inbound (API)';
const SCH = 'Voice Scheduled (API)';

// Another company, whose agents, menus, contacts and calls must all look
// unknown to the company under test.
interface Other {
  f: CallFixtures;
  callId: number;
  ticket: string;
}

type BodyOf = (f: CallFixtures, other: Other) => unknown | Promise<unknown>;
type Row = [name: string, body: BodyOf, status: number, message: string | ((f: CallFixtures, other: Other) => string)];

const outbound = (f: CallFixtures, over: Record<string, unknown> = {}) => ({ call_type: OUT, agent_email: f.agents.available.email, end_user_number: '+1 859-657-9625', lang: 'en', ...over });
const inbound = (f: CallFixtures, over: Record<string, unknown> = {}) => ({ call_type: IN, menu_id: f.menus.ivrLeaf, end_user_number: '+1 859-657-9625', lang: 'en', ...over });
const scheduled = (f: CallFixtures, over: Record<string, unknown> = {}) => ({ call_type: SCH, menu_id: f.menus.web, end_user_number: '+1 859-657-9625', scheduled_at: FUTURE(), lang: 'en', ...over });

describe('POST /apps/api/v1/calls', () => {
  let t: TestApp;
  let other: Other;
  let f: CallFixtures;

  beforeAll(async () => {
    t = await TestApp.start();
    const o = await seedCallFixtures(t);
    const call = await t.post(URL, { call_type: IN, menu_id: o.menus.ivrLeaf, end_user_number: '+1 859-657-9625' }, o.company);
    await t.db.query(`INSERT INTO contacts (company_id, ticket_id, out_contact_id, phone_numbers) VALUES ($1, 'other-only', 'x', '{+18596579699}')`, [o.companyId]);
    other = { f: o, callId: call.body.id, ticket: 'other-only' };
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    f = await seedCallFixtures(t);
  });

  // A new agent of the company under test.
  const addAgent = async (fx: CallFixtures, status: string, canCall: boolean): Promise<string> => {
    const email = `extra-${status}-${canCall}-${fx.companyId}@example.com`;
    await t.db.query(`INSERT INTO agents (company_id, email, first_name, last_name, can_make_calls, status) VALUES ($1, $2, 'Extra', 'Agent', $3, $4)`, [fx.companyId, email, canCall, status]);
    return email;
  };

  // A new menu of the company under test.
  const addMenu = async (fx: CallFixtures, type: string, state: string, hours: unknown = null): Promise<number> => {
    const [row] = await t.db.query(
      `INSERT INTO menus (company_id, name, menu_type, state, business_hours, languages) VALUES ($1, 'Extra', $2, $3, $4, '{en}') RETURNING id`,
      [fx.companyId, type, state, hours === null ? null : JSON.stringify(hours)],
    );
    return Number(row.id);
  };
  const NEVER_OPEN = { time_zone: 'UTC', weekly: {} };

  // The request is refused with exactly this status and message, and wrote nothing.
  const expectRefused = async (body: unknown, status: number, message: string, raw?: string) => {
    const before = await countCallRows(t, f.companyId);
    const res = raw === undefined ? await t.post(URL, body, f.company) : await t.request('POST', URL, { rawBody: raw, auth: f.company });
    expect({ status: res.status, body: res.body }).toEqual({ status, body: { error: expect.any(String), status: expect.any(Number), message } });
    expect(await countCallRows(t, f.companyId)).toEqual(before);
  };

  const runRow = async ([, body, status, message]: Row) => {
    await expectRefused(await body(f, other), status, typeof message === 'function' ? message(f, other) : message);
  };

  describe('call_type', () => {
    it.each<[string, unknown]>([
      ['missing', { agent_email: 'a@example.com', end_user_number: '+1 859-657-9625' }],
      ['unknown', { call_type: 'InvalidCallType', menu_id: 9, end_user_number: '+1 859-657-9625' }],
      ['the right name in the wrong case', { call_type: 'voice outbound (api)' }],
      ['an alias in the wrong case', { call_type: 'outboundcall' }],
      ['a name with extra spaces', { call_type: ' Voice Inbound (API)' }],
      ['empty', { call_type: '' }],
      ['null', { call_type: null }],
      ['a number', { call_type: 1 }],
      ['a boolean', { call_type: true }],
      ['an array holding a valid name', { call_type: [OUT] }],
      ['an object', { call_type: { name: OUT } }],
      ['a body that is an array', [{ call_type: OUT }]],
      ['a body that is a string', OUT],
      ['a body that is a number', 42],
      ['a body that is null', null],
      ['a body that is an empty object', {}],
    ])('is "Invalid call type" when %s', async (_name, body) => {
      await expectRefused(body, 400, 'Invalid call type', JSON.stringify(body));
    });

    it('is checked before any other field', async () => {
      await expectRefused({ call_type: 'Voice Outbound', agent_email: '' }, 400, 'Invalid call type');
    });

    it.each([
      ['OutboundCall', OUT, (fx: CallFixtures) => outbound(fx, { call_type: 'OutboundCall' })],
      ['IncomingCall', IN, (fx: CallFixtures) => inbound(fx, { call_type: 'IncomingCall' })],
      ['ScheduledCall', SCH, (fx: CallFixtures) => scheduled(fx, { call_type: 'ScheduledCall' })],
    ])('accepts the deprecated alias %s and stores the current name %s', async (_alias, current, body) => {
      const res = await t.post(URL, body(f), f.company);
      expect(res.status).toBe(201);
      expect(res.body.call_type).toBe(current);
      const [row] = await t.db.query(`SELECT call_type FROM calls WHERE id = $1`, [res.body.id]);
      expect(row.call_type).toBe(current);
    });
  });

  describe('outbound (Voice Outbound (API)): each row answers when it is the first to fail', () => {
    const rows: Row[] = [
      ['1: agent_email missing (rows 5 and 8 fail too)', (fx) => outbound(fx, { agent_email: undefined, end_user_number: undefined, lang: 'xy' }), 400, 'Agent email required'],
      ['1: agent_email empty', (fx) => outbound(fx, { agent_email: '' }), 400, 'Agent email required'],
      ['1: agent_email null', (fx) => outbound(fx, { agent_email: null }), 400, 'Agent email required'],
      ['2: agent_email not an e-mail address (row 5 fails too)', (fx) => outbound(fx, { agent_email: 'agent.example.com', end_user_number: undefined }), 400, 'Not a valid agent email'],
      ['2: agent_email with two @', (fx) => outbound(fx, { agent_email: 'a@b@example.com' }), 400, 'Not a valid agent email'],
      ['2: no agent of this company has the address', (fx) => outbound(fx, { agent_email: 'nobody@example.com', lang: 'xy' }), 400, 'Not a valid agent email'],
      ["2: another company's agent", (fx, o) => outbound(fx, { agent_email: o.f.agents.available.email }), 400, 'Not a valid agent email'],
      ['2: agent_email a number', (fx) => outbound(fx, { agent_email: 42 }), 400, 'Not a valid agent email'],
      ['2: agent_email an array holding a valid address', (fx) => outbound(fx, { agent_email: [fx.agents.available.email] }), 400, 'Not a valid agent email'],
      ['3: agent may not make outbound calls (rows 5 and 8 fail too)', (fx) => outbound(fx, { agent_email: fx.agents.noCalls.email, end_user_number: undefined, lang: 'xy' }), 400, 'Agent does not have access to make calls'],
      ['3: agent may not make calls and is away (row 4 fails too)', async (fx) => outbound(fx, { agent_email: await addAgent(fx, 'away', false) }), 400, 'Agent does not have access to make calls'],
      ['4: agent busy (rows 5 and 8 fail too)', (fx) => outbound(fx, { agent_email: fx.agents.busy.email, end_user_number: undefined, lang: 'xy' }), 400, 'Agent is not available to take this call'],
      ['4: agent away', (fx) => outbound(fx, { agent_email: fx.agents.away.email }), 400, 'Agent is not available to take this call'],
      ['4: agent offline', async (fx) => outbound(fx, { agent_email: await addAgent(fx, 'offline', true) }), 400, 'Agent is not available to take this call'],
      ['5: neither ticket_id nor end_user_number (row 8 fails too)', (fx) => outbound(fx, { end_user_number: undefined, lang: 'xy' }), 400, 'ticket_id or end_user_number required'],
      ['5: both empty strings', (fx) => outbound(fx, { end_user_number: '', ticket_id: '' }), 400, 'ticket_id or end_user_number required'],
      ['5: both null', (fx) => outbound(fx, { end_user_number: null, ticket_id: null }), 400, 'ticket_id or end_user_number required'],
      ['6: unknown ticket_id, end_user_number malformed (rows 7 and 8 fail too)', (fx) => outbound(fx, { ticket_id: '99999', end_user_number: '123123', lang: 'xy' }), 400, 'Contact not found'],
      ['6: unknown ticket_id sent as a number (the seed example)', (fx) => outbound(fx, { ticket_id: 1, outbound_number: '+1 760-410-8538' }), 400, 'Contact not found'],
      ["6: another company's ticket", (fx, o) => outbound(fx, { ticket_id: o.ticket }), 400, 'Contact not found'],
      ['6: ticket_id differs only in case or spaces', (fx) => outbound(fx, { ticket_id: ' 71450' }), 400, 'Contact not found'],
      ['7: end_user_number too short (row 8 fails too)', (fx) => outbound(fx, { end_user_number: '123123', lang: 'xy' }), 400, 'end_user_number is not well-formed'],
      ['7: end_user_number not possible for its country', (fx) => outbound(fx, { end_user_number: '+1 999-657-12' }), 400, 'end_user_number is not well-formed'],
      ['7: end_user_number without a leading +', (fx) => outbound(fx, { end_user_number: '1 859-657-9625' }), 400, 'end_user_number is not well-formed'],
      ['7: end_user_number with letters', (fx) => outbound(fx, { end_user_number: '+1 859-657-WXYZ' }), 400, 'end_user_number is not well-formed'],
      ['7: end_user_number a JSON number', (fx) => outbound(fx, { end_user_number: 18596579625 }), 400, 'end_user_number is not well-formed'],
      ['8: lang not an ISO 639-1 code', (fx) => outbound(fx, { lang: 'xy' }), 400, "Language 'xy' is not found"],
      ['8: lang in upper case', (fx) => outbound(fx, { lang: 'EN' }), 400, "Language 'EN' is not found"],
      ['8: lang a three-letter code', (fx) => outbound(fx, { lang: 'eng' }), 400, "Language 'eng' is not found"],
      ['8: lang a locale', (fx) => outbound(fx, { lang: 'en-US' }), 400, "Language 'en-US' is not found"],
    ];
    it.each(rows)('row %s', async (name, body, status, message) => runRow([name, body, status, message]));
  });

  describe('inbound (Voice Inbound (API)): each row answers when it is the first to fail', () => {
    const rows: Row[] = [
      ['1: menu_id missing (rows 8 and 10 fail too)', (fx) => inbound(fx, { menu_id: undefined, end_user_number: undefined, lang: 'xy' }), 400, 'menu_id is required'],
      ['1: menu_id null', (fx) => inbound(fx, { menu_id: null }), 400, 'menu_id is required'],
      ['2: menu_id "menu_999" (row 8 fails too)', (fx) => inbound(fx, { menu_id: 'menu_999', end_user_number: undefined }), 400, 'menu_id is not well formed'],
      ['2: menu_id 9.5', (fx) => inbound(fx, { menu_id: 9.5 }), 400, 'menu_id is not well formed'],
      ["2: menu_id a string holding a real menu's id", (fx) => inbound(fx, { menu_id: String(fx.menus.ivrLeaf) }), 400, 'menu_id is not well formed'],
      ['2: menu_id empty string', (fx) => inbound(fx, { menu_id: '' }), 400, 'menu_id is not well formed'],
      ['2: menu_id a boolean', (fx) => inbound(fx, { menu_id: true }), 400, 'menu_id is not well formed'],
      ['2: menu_id an array', (fx) => inbound(fx, { menu_id: [fx.menus.ivrLeaf] }), 400, 'menu_id is not well formed'],
      ['2: menu_id an object', (fx) => inbound(fx, { menu_id: { id: fx.menus.ivrLeaf } }), 400, 'menu_id is not well formed'],
      ['3: no menu has the id (rows 8 and 10 fail too)', (fx) => inbound(fx, { menu_id: 9999, end_user_number: undefined, lang: 'xy' }), 400, 'menu_id 9999 is not found'],
      ['3: a deleted menu', (fx) => inbound(fx, { menu_id: fx.menus.deleted }), 400, (fx) => `menu_id ${fx.menus.deleted} is not found`],
      ["3: another company's menu", (fx, o) => inbound(fx, { menu_id: o.f.menus.ivrLeaf }), 400, (_fx, o) => `menu_id ${o.f.menus.ivrLeaf} is not found`],
      ['3: menu_id 0', (fx) => inbound(fx, { menu_id: 0 }), 400, 'menu_id 0 is not found'],
      ['3: a negative menu_id', (fx) => inbound(fx, { menu_id: -3 }), 400, 'menu_id -3 is not found'],
      ['4: a web menu (rows 8 and 10 fail too)', (fx) => inbound(fx, { menu_id: fx.menus.web, end_user_number: undefined, lang: 'xy' }), 400, 'Only IVR and mobile menu IDs are permitted'],
      ['4: a web menu outside its business hours (row 6 fails too)', (fx) => inbound(fx, { menu_id: fx.menus.closedByHours }), 400, 'Only IVR and mobile menu IDs are permitted'],
      ['4: a web menu in manual redirection (row 5 fails too)', async (fx) => inbound(fx, { menu_id: await addMenu(fx, 'web_menu', 'manual_redirection') }), 400, 'Only IVR and mobile menu IDs are permitted'],
      ['5: a menu in manual redirection outside its business hours (row 6 fails too)', async (fx) => inbound(fx, { menu_id: await addMenu(fx, 'ivr_menu', 'manual_redirection', NEVER_OPEN) }), 400, "Menu is in 'manual redirection' state, can't accept calls"],
      ['5: a menu in manual redirection (rows 8 and 10 fail too)', (fx) => inbound(fx, { menu_id: fx.menus.manual, end_user_number: undefined, lang: 'xy' }), 400, "Menu is in 'manual redirection' state, can't accept calls"],
      ['6: a menu in after_hours state (rows 8 and 10 fail too)', (fx) => inbound(fx, { menu_id: fx.menus.afterHours, end_user_number: undefined, lang: 'xy' }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['6: a menu outside its business hours now', (fx) => inbound(fx, { menu_id: fx.menus.mobileClosedByHours }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['7: unknown ticket_id, end_user_number malformed (rows 9 and 10 fail too)', (fx) => inbound(fx, { ticket_id: '76517', end_user_number: '+1 999-657-12', lang: 'xy' }), 400, 'Contact not found'],
      ["7: another company's ticket", (fx, o) => inbound(fx, { ticket_id: o.ticket }), 400, 'Contact not found'],
      ['8: end_user_number missing (row 10 fails too)', (fx) => inbound(fx, { end_user_number: undefined, lang: 'xy' }), 400, 'end_user_number is required'],
      ['8: end_user_number empty', (fx) => inbound(fx, { end_user_number: '' }), 400, 'end_user_number is required'],
      ['8: end_user_number null', (fx) => inbound(fx, { end_user_number: null }), 400, 'end_user_number is required'],
      ['9: end_user_number not possible (row 10 fails too)', (fx) => inbound(fx, { end_user_number: '+1 999-657-12', lang: 'xy' }), 400, 'end_user_number is not well formed'],
      ['9: end_user_number too short', (fx) => inbound(fx, { end_user_number: '123123' }), 400, 'end_user_number is not well formed'],
      ['9: end_user_number a JSON number', (fx) => inbound(fx, { end_user_number: 18596579625 }), 400, 'end_user_number is not well formed'],
      ['10: lang unknown', (fx) => inbound(fx, { lang: 'xy' }), 400, "Language 'xy' is not found"],
      ['10: lang in upper case', (fx) => inbound(fx, { lang: 'EN' }), 400, "Language 'EN' is not found"],
      ["11: lang not among the menu's languages", (fx) => inbound(fx, { lang: 'fr' }), 400, "Language 'fr' is not available"],
      ["11: another lang not among the menu's languages", (fx) => inbound(fx, { lang: 'de' }), 400, "Language 'de' is not available"],
    ];
    it.each(rows)('row %s', async (name, body, status, message) => runRow([name, body, status, message]));
  });

  describe('scheduled (Voice Scheduled (API)): each row answers when it is the first to fail', () => {
    const sunday = () => nextUtc(0, 10);
    const mondayEarly = () => nextUtc(1, 8);
    const rows: Row[] = [
      ['1: unknown call_id (every later row fails too)', () => ({ call_type: SCH, call_id: 514, menu_id: 'menu_999', lang: 'xy' }), 400, 'Call 514 is not found'],
      ['1: unknown call_id with a valid rest', (fx) => scheduled(fx, { call_id: 987654321 }), 400, 'Call 987654321 is not found'],
      ["1: another company's call", (fx, o) => scheduled(fx, { call_id: o.callId }), 400, (_fx, o) => `Call ${o.callId} is not found`],
      ['2: no call_id, menu_id missing (rows 9, 11 and 14 fail too)', (fx) => scheduled(fx, { menu_id: undefined, end_user_number: undefined, scheduled_at: undefined, lang: 'xy' }), 400, 'menu_id is required'],
      ['3: menu_id "menu_999" (rows 9 and 11 fail too)', (fx) => scheduled(fx, { menu_id: 'menu_999', end_user_number: undefined, scheduled_at: undefined }), 400, 'menu_id is not well formed'],
      ['3: menu_id 9.5', (fx) => scheduled(fx, { menu_id: 9.5 }), 400, 'menu_id is not well formed'],
      ['4: no menu has the id (rows 11 and 14 fail too)', (fx) => scheduled(fx, { menu_id: 9999, scheduled_at: undefined, lang: 'xy' }), 400, 'menu_id 9999 is not found'],
      ['4: a deleted menu', (fx) => scheduled(fx, { menu_id: fx.menus.deleted }), 400, (fx) => `menu_id ${fx.menus.deleted} is not found`],
      ['5: an IVR menu (rows 9 and 11 fail too)', (fx) => scheduled(fx, { menu_id: fx.menus.ivrLeaf, end_user_number: undefined, scheduled_at: undefined }), 400, 'Only mobile and web menu IDs are permitted'],
      ['5: an IVR menu in manual redirection (row 6 fails too)', async (fx) => scheduled(fx, { menu_id: await addMenu(fx, 'ivr_menu', 'manual_redirection') }), 400, 'Only mobile and web menu IDs are permitted'],
      ['6: a menu in manual redirection outside its business hours (row 7 fails too)', async (fx) => scheduled(fx, { menu_id: await addMenu(fx, 'web_menu', 'manual_redirection', NEVER_OPEN) }), 400, "Menu is in 'manual redirection' state, can't accept calls"],
      ['6: a menu in manual redirection (rows 9 and 11 fail too)', (fx) => scheduled(fx, { menu_id: fx.menus.manual, end_user_number: undefined, scheduled_at: undefined }), 400, "Menu is in 'manual redirection' state, can't accept calls"],
      ['7: a menu in after_hours state, scheduled_at missing (rows 9 and 11 fail too)', (fx) => scheduled(fx, { menu_id: fx.menus.afterHours, end_user_number: undefined, scheduled_at: undefined }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['7: a menu never open by its business hours', (fx) => scheduled(fx, { menu_id: fx.menus.closedByHours }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['7: a weekday menu at a Sunday scheduled_at', (fx) => scheduled(fx, { menu_id: fx.menus.weekdaysNineToFive, scheduled_at: sunday() }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['7: a 09:00-17:00 menu at 08:00 on a Monday', (fx) => scheduled(fx, { menu_id: fx.menus.weekdaysNineToFive, scheduled_at: mondayEarly() }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['7: after hours at scheduled_at wins over a past scheduled_at (row 13)', (fx) => scheduled(fx, { menu_id: fx.menus.weekdaysNineToFive, scheduled_at: '2020-01-05T10:00:00Z' }), 400, "Menu is in 'after hours' state, can't accept incoming calls"],
      ['8: unknown ticket_id (rows 10, 11 and 14 fail too)', (fx) => scheduled(fx, { ticket_id: '76517', end_user_number: '+1 999-657-12', scheduled_at: undefined, lang: 'xy' }), 400, 'Contact not found'],
      ['9: end_user_number missing (rows 11 and 14 fail too)', (fx) => scheduled(fx, { end_user_number: undefined, scheduled_at: undefined, lang: 'xy' }), 400, 'end_user_number is required'],
      ['10: end_user_number not possible (rows 11 and 14 fail too)', (fx) => scheduled(fx, { end_user_number: '+1 999-657-12', scheduled_at: undefined, lang: 'xy' }), 400, 'end_user_number is not well formed'],
      ['11: scheduled_at missing (row 14 fails too)', (fx) => scheduled(fx, { scheduled_at: undefined, lang: 'xy' }), 400, 'scheduled_at is required'],
      ['11: scheduled_at missing for a menu with business hours', (fx) => scheduled(fx, { menu_id: fx.menus.weekdaysNineToFive, scheduled_at: undefined }), 400, 'scheduled_at is required'],
      ['11: scheduled_at empty', (fx) => scheduled(fx, { scheduled_at: '' }), 400, 'scheduled_at is required'],
      ['11: scheduled_at null', (fx) => scheduled(fx, { scheduled_at: null }), 400, 'scheduled_at is required'],
      ['12: scheduled_at without a zone (row 14 fails too)', (fx) => scheduled(fx, { scheduled_at: '2099-01-01T10:00:00', lang: 'xy' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at malformed for a menu with business hours', (fx) => scheduled(fx, { menu_id: fx.menus.weekdaysNineToFive, scheduled_at: 'next monday' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at a date only', (fx) => scheduled(fx, { scheduled_at: '2099-01-01' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at on February 30', (fx) => scheduled(fx, { scheduled_at: '2099-02-30T10:00:00Z' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at on February 29 of a common year', (fx) => scheduled(fx, { scheduled_at: '2099-02-29T10:00:00Z' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at in month 13', (fx) => scheduled(fx, { scheduled_at: '2099-13-01T10:00:00Z' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at at hour 25', (fx) => scheduled(fx, { scheduled_at: '2099-01-01T25:00:00Z' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at with a space for the T', (fx) => scheduled(fx, { scheduled_at: '2099-01-01 10:00:00Z' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at in words', (fx) => scheduled(fx, { scheduled_at: 'tomorrow' }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at a Unix time', (fx) => scheduled(fx, { scheduled_at: 4102444800 }), 400, 'scheduled_at is not well formed'],
      ['12: scheduled_at an RFC 2822 date', (fx) => scheduled(fx, { scheduled_at: 'Thu, 01 Jan 2099 10:00:00 GMT' }), 400, 'scheduled_at is not well formed'],
      ['13: scheduled_at in the past (row 14 fails too)', (fx) => scheduled(fx, { scheduled_at: '2019-09-15T00:19:14.421Z', lang: 'xy' }), 400, 'scheduled_at must be in the future'],
      ['13: scheduled_at a second ago', (fx) => scheduled(fx, { scheduled_at: new Date(Date.now() - 1000).toISOString() }), 400, 'scheduled_at must be in the future'],
      ['14: lang unknown', (fx) => scheduled(fx, { lang: 'xy' }), 400, "Language 'xy' is not found"],
      ['14: lang in upper case', (fx) => scheduled(fx, { lang: 'EN' }), 400, "Language 'EN' is not found"],
      ["14: lang not among the menu's languages", (fx) => scheduled(fx, { lang: 'fr' }), 400, "Language 'fr' is not available"],
    ];
    it.each(rows)('row %s', async (name, body, status, message) => runRow([name, body, status, message]));

    it.each([
      ['a UTC offset', '+02:00'],
      ['a negative offset', '-05:30'],
      ['a lower-case z', 'z'],
    ])('accepts scheduled_at with %s and answers it in UTC', async (_name, zone) => {
      const local = new Date(Date.now() + 2 * 86400_000);
      const date = local.toISOString().slice(0, 10);
      const sent = `${date}T12:00:00${zone}`;
      const res = await t.post(URL, scheduled(f, { scheduled_at: sent }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.scheduled_at).toBe(new Date(sent.replace(/z$/, 'Z')).toISOString());
    });

    it('accepts a scheduled_at inside the menu business hours', async () => {
      const res = await t.post(URL, scheduled(f, { menu_id: f.menus.weekdaysNineToFive, scheduled_at: nextUtc(1, 10) }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.scheduled_at).toBe(nextUtc(1, 10));
    });

    it('accepts any time for a menu open all week', async () => {
      const res = await t.post(URL, scheduled(f, { menu_id: f.menus.openAllWeek }), f.company);
      expect(res.status).toBe(201);
    });

    it('accepts a mobile menu', async () => {
      const res = await t.post(URL, scheduled(f, { menu_id: f.menus.mobile }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.selected_menu.menu_type).toBe('mobile_menu');
    });
  });

  describe('fields of the wrong JSON type without a message of their own', () => {
    it.each<[string, BodyOf, string]>([
      ['ticket_id a boolean (outbound)', (fx) => outbound(fx, { ticket_id: true }), CallMessages.ticketIdNotWellFormed],
      ['ticket_id an object (inbound)', (fx) => inbound(fx, { ticket_id: { id: '71450' } }), CallMessages.ticketIdNotWellFormed],
      ['ticket_id an array (scheduled)', (fx) => scheduled(fx, { ticket_id: ['71450'] }), CallMessages.ticketIdNotWellFormed],
      ['lang a number', (fx) => inbound(fx, { lang: 1 }), CallMessages.langNotWellFormed],
      ['outbound_number a number', (fx) => outbound(fx, { outbound_number: 17608675309 }), CallMessages.outboundNumberFieldNotWellFormed],
      ['recording_permission a boolean', (fx) => inbound(fx, { recording_permission: true }), CallMessages.recordingPermissionInvalid],
      ['recording_permission an unknown value', (fx) => inbound(fx, { recording_permission: 'granted' }), CallMessages.recordingPermissionInvalid],
      ['call_id a boolean', (fx) => scheduled(fx, { call_id: true }), CallMessages.callIdNotWellFormed],
      ['call_id a string of digits', (fx) => scheduled(fx, { call_id: '514' }), CallMessages.callIdNotWellFormed],
      ['call_id a word', (fx) => scheduled(fx, { call_id: 'abc' }), CallMessages.callIdNotWellFormed],
      ['call_id a float', (fx) => scheduled(fx, { call_id: 5.5 }), CallMessages.callIdNotWellFormed],
      ['call_id an array', (fx) => scheduled(fx, { call_id: [514] }), CallMessages.callIdNotWellFormed],
    ])('answers a clear 400 for %s', async (_name, body, message) => {
      await expectRefused(await body(f, other), 400, message);
    });

    it('reads a ticket_id sent as a JSON number as its decimal string', async () => {
      const res = await t.post(URL, inbound(f, { ticket_id: 71450, end_user_number: undefined }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.out_ticket_id).toBe('71450');
      expect(res.body.end_user.out_contact_id).toBe('381630957514');
    });

    it('ignores and never stores unknown extra fields', async () => {
      const res = await t.post(URL, inbound(f, { favourite_colour: 'blue', agent_email: 42, nested: { a: [1, 2] } }), f.company);
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('favourite_colour');
      const [row] = await t.db.query(`SELECT data FROM call_events WHERE call_id = $1`, [res.body.id]);
      expect(JSON.stringify(row.data)).not.toMatch(/favourite_colour|nested/);
    });
  });

  describe('agent_email', () => {
    it('matches the agent whatever the case of the address', async () => {
      const res = await t.post(URL, outbound(f, { agent_email: f.agents.available.email.toUpperCase() }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.agent_info.id).toBe(f.agents.available.id);
    });
  });

  describe('lang', () => {
    it('defaults to en', async () => {
      const res = await t.post(URL, inbound(f, { lang: undefined }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.lang).toBe('en');
    });

    it("accepts any of the menu's languages", async () => {
      const res = await t.post(URL, inbound(f, { lang: 'es' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.lang).toBe('es');
    });

    it('accepts any known code for an outbound call, which has no menu', async () => {
      const res = await t.post(URL, outbound(f, { lang: 'fr' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.lang).toBe('fr');
    });
  });

  describe('recording_permission', () => {
    it.each([
      ['recording_permission_granted', 'granted'],
      ['recording_permission_denied', 'denied'],
      ['recording_permission_not_asked', 'not_asked'],
      [undefined, 'not_asked'],
    ])('is evaluated for an inbound call to an ask_permission menu: %s -> %s', async (sent, stored) => {
      const res = await t.post(URL, inbound(f, { recording_permission: sent }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.recording_permission).toBe(stored);
    });

    it.each(['recording_permission_granted', 'recording_permission_denied'])('is not_asked for a menu that does not ask permission, even when %s', async (sent) => {
      const res = await t.post(URL, inbound(f, { menu_id: f.menus.mobile, recording_permission: sent }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.recording_permission).toBe('not_asked');
    });

    it('is evaluated for a scheduled call to an ask_permission menu', async () => {
      const res = await t.post(URL, scheduled(f, { menu_id: f.menus.webAskPermission, recording_permission: 'recording_permission_granted' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.recording_permission).toBe('granted');
    });

    it('is not_asked for a scheduled call to a menu that does not ask', async () => {
      const res = await t.post(URL, scheduled(f, { recording_permission: 'recording_permission_granted' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.recording_permission).toBe('not_asked');
    });
  });

  describe('the created call object', () => {
    const mustBeCall = (body: Record<string, unknown>) => {
      expect(callShapeProblems(body)).toEqual([]);
      for (const field of ['created_at', 'updated_at']) expect(body[field]).toMatch(ISO_MS);
    };
    const endUserPhone = async (id: number) => (await t.db.query(`SELECT phone_number FROM end_users WHERE id = $1`, [id]))[0].phone_number;
    const agentStatus = async (id: number) => (await t.db.query(`SELECT status FROM agents WHERE id = $1`, [id]))[0].status;
    const agentInfo = (fx: CallFixtures) => ({
      id: fx.agents.available.id,
      name: 'Ada Lovelace',
      last_name: 'Lovelace',
      first_name: 'Ada',
      agent_number: 42,
      avatar_url: 'https://example.com/a.png',
    });
    const participant = (callId: number, type: 'agent' | 'end_user', userId: number | null, endUserId: number | null) => ({
      id: expect.any(Number),
      type,
      status: 'waiting',
      call_id: callId,
      user_id: userId,
      end_user_id: endUserId,
      call_duration: null,
      hold_duration: null,
      connected_at: null,
      ended_at: null,
      fail_reason: 'nothing',
    });
    const common = {
      parent_id: null,
      lang: 'en',
      connected_at: null,
      ends_at: null,
      wait_duration: 0,
      call_duration: 0,
      hold_duration: 0,
      rating: null,
      has_feedback: false,
      voip_provider: 'voip_provider_twilio',
      verified: false,
      recording_url: null,
      voicemail_reason: 'not_voicemail',
      deflection: 'no_deflection',
      disconnected_by: 'disconnected_by_unknown',
      fail_details: null,
      fail_reason: 'nothing',
      support_number: null,
      photos: [],
      videos: [],
      transfers: [],
      answer_type: 'manual',
      deflection_details: [],
    };

    it('outbound with end_user_number: assigned to the agent, two waiting participants, the chosen outbound number as configured', async () => {
      const res = await t.post(URL, outbound(f, { outbound_number: '+1 760-867-5309' }), f.company);
      expect(res.status).toBe(201);
      const call = res.body;
      mustBeCall(call);
      expect(call).toEqual({
        ...common,
        id: expect.any(Number),
        call_type: OUT,
        status: 'assigned',
        created_at: expect.stringMatching(ISO_MS),
        queued_at: null,
        assigned_at: call.created_at,
        scheduled_at: null,
        out_ticket_id: null,
        out_ticket_url: null,
        recording_permission: 'not_asked',
        selected_menu: null,
        menu_path: null,
        agent_info: agentInfo(f),
        end_user: { id: expect.any(Number), identifier: null, out_contact_id: null },
        participants: [participant(call.id, 'agent', f.agents.available.id, null), participant(call.id, 'end_user', null, call.end_user.id)],
        offer_type: null,
        offer_events: [],
        outbound_number: '+1 760-867-5309',
        updated_at: expect.stringMatching(ISO_MS),
      });
      expect(await endUserPhone(call.end_user.id)).toBe('+18596579625');
      expect(await agentStatus(f.agents.available.id)).toBe('busy');
      // The agent is now on this call: a second one is refused.
      await expectRefused(outbound(f), 400, 'Agent is not available to take this call');
    });

    it("outbound with ticket_id: the end user is the ticket's contact, dialled at its number", async () => {
      const res = await t.post(URL, outbound(f, { end_user_number: undefined, ticket_id: '71450' }), f.company);
      expect(res.status).toBe(201);
      const call = res.body;
      mustBeCall(call);
      expect(call).toEqual({
        ...common,
        id: expect.any(Number),
        call_type: OUT,
        status: 'assigned',
        created_at: expect.stringMatching(ISO_MS),
        queued_at: null,
        assigned_at: call.created_at,
        scheduled_at: null,
        out_ticket_id: '71450',
        out_ticket_url: 'https://crm.example.com/71450',
        recording_permission: 'not_asked',
        selected_menu: null,
        menu_path: null,
        agent_info: agentInfo(f),
        end_user: { id: expect.any(Number), identifier: null, out_contact_id: '381630957514' },
        participants: [participant(call.id, 'agent', f.agents.available.id, null), participant(call.id, 'end_user', null, call.end_user.id)],
        offer_type: null,
        offer_events: [],
        outbound_number: '+1 339-219-5276', // the default, as configured
        updated_at: expect.stringMatching(ISO_MS),
      });
      expect(await endUserPhone(call.end_user.id)).toBe('+18596579625');
      expect(await agentStatus(f.agents.available.id)).toBe('busy');
    });

    it('inbound with end_user_number: queued on the menu, one waiting end_user, the first offer', async () => {
      const res = await t.post(URL, inbound(f, { end_user_number: '+82-10-6861-2345', recording_permission: 'recording_permission_granted' }), f.company);
      expect(res.status).toBe(201);
      const call = res.body;
      mustBeCall(call);
      expect(call).toEqual({
        ...common,
        id: expect.any(Number),
        call_type: IN,
        status: 'queued',
        created_at: expect.stringMatching(ISO_MS),
        queued_at: call.created_at,
        assigned_at: null,
        scheduled_at: null,
        out_ticket_id: null,
        out_ticket_url: null,
        recording_permission: 'granted',
        selected_menu: { id: f.menus.ivrLeaf, name: 'Lock Star', parent_id: f.menus.ivrRoot, position: 0, deleted: false, hidden: false, menu_type: 'ivr_menu', output_msg: 'You selected Lock Star.' },
        menu_path: { items_count: 2, name: 'Main / Lock Star', materialized_path: `${f.menus.ivrRoot}/${f.menus.ivrLeaf}` },
        agent_info: null,
        end_user: { id: expect.any(Number), identifier: null, out_contact_id: null },
        participants: [participant(call.id, 'end_user', null, call.end_user.id)],
        offer_type: 'cascade',
        offer_events: [{ casting_time: expect.stringMatching(ISO_MS), group: 'Group 1' }],
        outbound_number: '+1 339-219-5276',
        updated_at: expect.stringMatching(ISO_MS),
      });
      expect(await endUserPhone(call.end_user.id)).toBe('+821068612345');
    });

    it("inbound with ticket_id: the ticket's contact, even when end_user_number is malformed", async () => {
      const res = await t.post(URL, inbound(f, { ticket_id: '71450', end_user_number: '+1 999-657-12' }), f.company);
      expect(res.status).toBe(201);
      const call = res.body;
      mustBeCall(call);
      expect(call).toEqual({
        ...common,
        id: expect.any(Number),
        call_type: IN,
        status: 'queued',
        created_at: expect.stringMatching(ISO_MS),
        queued_at: call.created_at,
        assigned_at: null,
        scheduled_at: null,
        out_ticket_id: '71450',
        out_ticket_url: 'https://crm.example.com/71450',
        recording_permission: 'not_asked',
        selected_menu: expect.objectContaining({ id: f.menus.ivrLeaf, name: 'Lock Star' }),
        menu_path: { items_count: 2, name: 'Main / Lock Star', materialized_path: `${f.menus.ivrRoot}/${f.menus.ivrLeaf}` },
        agent_info: null,
        end_user: { id: expect.any(Number), identifier: null, out_contact_id: '381630957514' },
        participants: [participant(call.id, 'end_user', null, call.end_user.id)],
        offer_type: 'cascade',
        offer_events: [{ casting_time: expect.stringMatching(ISO_MS), group: 'Group 1' }],
        outbound_number: '+1 339-219-5276',
        updated_at: expect.stringMatching(ISO_MS),
      });
      expect(await endUserPhone(call.end_user.id)).toBe('+18596579625');
    });

    it("inbound takes offer_type from the menu's queue", async () => {
      const res = await t.post(URL, inbound(f, { menu_id: f.menus.broadcast }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.offer_type).toBe('broadcast');
      expect(res.body.menu_path).toEqual({ items_count: 1, name: 'App broadcast', materialized_path: String(f.menus.broadcast) });
    });

    it('scheduled: status scheduled at scheduled_at, not queued, no offer yet', async () => {
      const at = FUTURE();
      const res = await t.post(URL, scheduled(f, { end_user_number: '+1 (859) 657.9625', scheduled_at: at }), f.company);
      expect(res.status).toBe(201);
      const call = res.body;
      mustBeCall(call);
      expect(call).toEqual({
        ...common,
        id: expect.any(Number),
        call_type: SCH,
        status: 'scheduled',
        created_at: expect.stringMatching(ISO_MS),
        queued_at: null,
        assigned_at: null,
        scheduled_at: at,
        out_ticket_id: null,
        out_ticket_url: null,
        recording_permission: 'not_asked',
        selected_menu: { id: f.menus.web, name: 'Web', parent_id: null, position: 0, deleted: false, hidden: false, menu_type: 'web_menu', output_msg: 'You selected Web.' },
        menu_path: { items_count: 1, name: 'Web', materialized_path: String(f.menus.web) },
        agent_info: null,
        end_user: { id: expect.any(Number), identifier: null, out_contact_id: null },
        participants: [participant(call.id, 'end_user', null, call.end_user.id)],
        offer_type: 'cascade',
        offer_events: [],
        outbound_number: '+1 339-219-5276',
        updated_at: expect.stringMatching(ISO_MS),
      });
      expect(await endUserPhone(call.end_user.id)).toBe('+18596579625');
    });

    it('is what GET /calls/:id answers afterwards', async () => {
      const res = await t.post(URL, scheduled(f), f.company);
      const read = await t.get(`${URL}/${res.body.id}`, f.company);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['+1 859-657-9625', '+18596579625'],
      ['+82-10-6861-2345', '+821068612345'],
      ['+1 205-123-4567', '+12051234567'],
      ['+1 (859) 657.9625', '+18596579625'],
      ['+44 20 7946 0958', '+442079460958'],
      ['  +1 859 657 9625  ', '+18596579625'],
    ])('%s is well formed and stored as %s', async (sent, e164) => {
      const res = await t.post(URL, inbound(f, { end_user_number: sent }), f.company);
      expect(res.status).toBe(201);
      const [eu] = await t.db.query(`SELECT phone_number FROM end_users WHERE id = $1`, [res.body.end_user.id]);
      expect(eu.phone_number).toBe(e164);
    });

    it('stores one end user per number, whatever its format', async () => {
      const a = await t.post(URL, inbound(f, { end_user_number: '+1 859-657-9625' }), f.company);
      const b = await t.post(URL, inbound(f, { end_user_number: '+18596579625' }), f.company);
      expect(b.body.end_user.id).toBe(a.body.end_user.id);
    });

    it.each(['123123', '+1 999-657-12', '+1 859-657-9625 ext. 12', '+0 859-657-9625', '++18596579625', '+1 859-657-96251234'])('%s is not well formed', async (sent) => {
      await expectRefused(inbound(f, { end_user_number: sent }), 400, 'end_user_number is not well formed');
      await expectRefused(outbound(f, { end_user_number: sent }), 400, 'end_user_number is not well-formed');
    });
  });

  describe('concurrent requests', () => {
    it('place one call per agent when several outbound calls for one agent race', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => t.post(URL, outbound(f), f.company)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: 'Agent is not available to take this call' } });
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1, participants: 2, call_events: 1, busy_agents: 2 });
    });

    it('create one callback when several callbacks of one call race', async () => {
      const parent = (await t.post(URL, inbound(f), f.company)).body;
      const results = await Promise.all(Array.from({ length: 10 }, () => t.post(URL, scheduled(f, { call_id: parent.id }), f.company)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: `Call ${parent.id} already has a pending callback` } });
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 2, call_events: 2 });
    });
  });

  describe('outbound number', () => {
    it.each([
      ['one of the company numbers, as configured', '+1 760-867-5309', '+1 760-867-5309'],
      ['one of the company numbers, formatted differently', '+17608675309', '+1 760-867-5309'],
      ['not one of the company numbers: the default', '+1 202-555-0100', '+1 339-219-5276'],
      ['malformed: the default', 'not a number', '+1 339-219-5276'],
      ['empty: the default', '', '+1 339-219-5276'],
    ])('uses %s', async (_name, sent, used) => {
      const res = await t.post(URL, outbound(f, { outbound_number: sent }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe(used);
    });

    it.each([
      ['one of the company numbers, as configured', '+17608675309', '+1 760-867-5309'],
      ['not one of the company numbers: the default', '+1 202-555-0100', '+1 339-219-5276'],
      ['malformed: the default', 'not a number', '+1 339-219-5276'],
      ['of the wrong JSON type: the default', 17608675309, '+1 339-219-5276'],
      ['absent: the default', undefined, '+1 339-219-5276'],
    ])('for an inbound call, uses %s (the seed lists outbound_number for inbound calls)', async (_name, sent, used) => {
      const res = await t.post(URL, inbound(f, { outbound_number: sent }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe(used);
    });

    it('for a scheduled call, is the default', async () => {
      const res = await t.post(URL, scheduled(f, { outbound_number: '+17608675309' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe('+1 339-219-5276');
    });

    it('uses the only number of a company without a default', async () => {
      const g = await seedCallFixtures(t, { outboundNumbers: [{ number: '+1 (760) 410-8538', e164: '+17604108538', isDefault: false }] });
      const res = await t.post(URL, outbound(g), g.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe('+1 (760) 410-8538');
    });

    it('is null for a company with no outbound numbers at all', async () => {
      const g = await seedCallFixtures(t, { outboundNumbers: [] });
      const res = await t.post(URL, outbound(g), g.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBeNull();
    });
  });

  describe("ticket_id takes priority over end_user_number", () => {
    it('an outbound call with both: end user and out_ticket_id from the ticket, a malformed number ignored', async () => {
      const res = await t.post(URL, outbound(f, { ticket_id: '71450', end_user_number: '123123' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.out_ticket_id).toBe('71450');
      expect(res.body.end_user.out_contact_id).toBe('381630957514');
    });

    it('an unknown ticket is refused even with a valid end_user_number', async () => {
      await expectRefused(outbound(f, { ticket_id: '404' }), 400, 'Contact not found');
    });
  });

  describe('callbacks (scheduled with call_id)', () => {
    const parentCall = async () => (await t.post(URL, inbound(f), f.company)).body;

    it("links to the parent and inherits its menu when menu_id is left out", async () => {
      const parent = await parentCall();
      const res = await t.post(URL, { call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, f.company);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ parent_id: parent.id, call_type: SCH, status: 'scheduled', selected_menu: { id: f.menus.ivrLeaf } });
      expect(res.body.menu_path.materialized_path).toBe(`${f.menus.ivrRoot}/${f.menus.ivrLeaf}`);
    });

    it('uses menu_id when given', async () => {
      const parent = await parentCall();
      const res = await t.post(URL, scheduled(f, { call_id: parent.id, menu_id: f.menus.mobile }), f.company);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ parent_id: parent.id, selected_menu: { id: f.menus.mobile } });
    });

    it('checks a given menu_id against the scheduled rules', async () => {
      const parent = await parentCall();
      await expectRefused(scheduled(f, { call_id: parent.id, menu_id: f.menus.ivrLeaf }), 400, 'Only mobile and web menu IDs are permitted');
    });

    it('refuses a second callback while the first is still scheduled, and writes nothing', async () => {
      const parent = await parentCall();
      const first = await t.post(URL, { call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, f.company);
      expect(first.status).toBe(201);
      await expectRefused({ call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, 400, `Call ${parent.id} already has a pending callback`);
      // Row 1b comes before the menu rows.
      await expectRefused({ call_type: SCH, call_id: parent.id, menu_id: 'menu_999' }, 400, `Call ${parent.id} already has a pending callback`);
    });

    it('allows a new callback once the earlier one is no longer scheduled', async () => {
      const parent = await parentCall();
      const first = await t.post(URL, scheduled(f, { call_id: parent.id }), f.company);
      await t.db.query(`UPDATE calls SET status = 'queued', queued_at = now() WHERE id = $1`, [first.body.id]);
      const second = await t.post(URL, scheduled(f, { call_id: parent.id }), f.company);
      expect(second.status).toBe(201);
      expect(second.body.parent_id).toBe(parent.id);
    });

    it('allows a callback of a callback', async () => {
      const parent = await parentCall();
      const child = await t.post(URL, scheduled(f, { call_id: parent.id }), f.company);
      const grandchild = await t.post(URL, scheduled(f, { call_id: child.body.id }), f.company);
      expect(grandchild.status).toBe(201);
      expect(grandchild.body.parent_id).toBe(child.body.id);
    });

    it("applies the menu rows to the inherited menu", async () => {
      const parent = await parentCall();
      await t.db.query(`UPDATE menus SET state = 'manual_redirection' WHERE id = $1`, [f.menus.ivrLeaf]);
      await expectRefused({ call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, 400, "Menu is in 'manual redirection' state, can't accept calls");
      await t.db.query(`UPDATE menus SET state = 'after_hours' WHERE id = $1`, [f.menus.ivrLeaf]);
      await expectRefused({ call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, 400, "Menu is in 'after hours' state, can't accept incoming calls");
      await t.db.query(`UPDATE menus SET state = 'open' WHERE id = $1`, [f.menus.ivrLeaf]);
      await expectRefused({ call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE(), lang: 'fr' }, 400, "Language 'fr' is not available");
    });

    it('asks for menu_id when the parent has no menu (an outbound call)', async () => {
      const parent = (await t.post(URL, outbound(f), f.company)).body;
      await expectRefused({ call_type: SCH, call_id: parent.id, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, 400, 'menu_id is required');
    });

    it('answers an unknown call_id with the id as sent', async () => {
      await expectRefused({ call_type: SCH, call_id: 514, end_user_number: '+82-10-6861-2345', scheduled_at: FUTURE() }, 400, 'Call 514 is not found');
    });
  });
});
