import type { TestApp, TestCompany } from './test-app';

// A company with everything the Calls API tables need, written straight
// into its database (the Manager API has its own tests).
export interface CallFixtures {
  company: TestCompany;
  companyId: string;
  agents: { available: Agent; busy: Agent; noCalls: Agent; away: Agent; other: Agent };
  menus: {
    ivrRoot: number;
    ivrLeaf: number;
    mobile: number;
    web: number;
    webAskPermission: number;
    manual: number;
    afterHours: number;
    closedByHours: number;
    openAllWeek: number;
    deleted: number;
    mobileClosedByHours: number;
    weekdaysNineToFive: number;
    broadcast: number;
  };
  contacts: { single: string; several: string };
}

interface Agent {
  id: number;
  email: string;
}

let counter = 0;

export async function seedCallFixtures(t: TestApp, options: { outboundNumbers?: Array<{ number: string; e164: string; isDefault: boolean }> } = {}): Promise<CallFixtures> {
  const company = await t.createCompany();
  const [{ id: companyId }] = await t.db.query(`SELECT id FROM companies WHERE key = $1`, [company.key]);
  const agent = async (email: string, status = 'available', canCall = true): Promise<Agent> => {
    const [row] = await t.db.query(
      `INSERT INTO agents (company_id, email, first_name, last_name, agent_number, avatar_url, can_make_calls, status)
       VALUES ($1, $2, 'Ada', 'Lovelace', '42', 'https://example.com/a.png', $3, $4) RETURNING id`,
      [companyId, email, canCall, status],
    );
    return { id: Number(row.id), email };
  };
  const n = ++counter;
  const agents = {
    available: await agent(`ada${n}@example.com`),
    busy: await agent(`busy${n}@example.com`, 'busy'),
    noCalls: await agent(`nocalls${n}@example.com`, 'available', false),
    away: await agent(`away${n}@example.com`, 'away'),
    other: await agent(`other${n}@example.com`),
  };
  const menu = async (name: string, type: string, extra: { parent?: number; state?: string; hours?: unknown; languages?: string[]; recording?: string; deleted?: boolean; offerType?: string } = {}) => {
    const [row] = await t.db.query(
      `INSERT INTO menus (company_id, parent_id, name, menu_type, state, business_hours, languages, recording_option, deleted, output_msg, offer_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [companyId, extra.parent ?? null, name, type, extra.state ?? 'open', extra.hours ? JSON.stringify(extra.hours) : null, extra.languages ?? ['en', 'es'], extra.recording ?? 'never', extra.deleted ?? false, `You selected ${name}.`, extra.offerType ?? 'cascade'],
    );
    return Number(row.id);
  };
  const allDay = { mon: [['00:00', '24:00']], tue: [['00:00', '24:00']], wed: [['00:00', '24:00']], thu: [['00:00', '24:00']], fri: [['00:00', '24:00']], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] };
  const nineToFive = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] };
  const ivrRoot = await menu('Main', 'ivr_menu', { recording: 'ask_permission' });
  const menus = {
    ivrRoot,
    ivrLeaf: await menu('Lock Star', 'ivr_menu', { parent: ivrRoot, recording: 'ask_permission' }),
    mobile: await menu('App', 'mobile_menu'),
    web: await menu('Web', 'web_menu'),
    webAskPermission: await menu('Web recorded', 'web_menu', { recording: 'ask_permission' }),
    manual: await menu('Manual', 'mobile_menu', { state: 'manual_redirection' }),
    afterHours: await menu('Closed', 'mobile_menu', { state: 'after_hours' }),
    // Open on no day at all: always outside its hours.
    closedByHours: await menu('Never open', 'web_menu', { hours: { time_zone: 'America/New_York', weekly: {} } }),
    openAllWeek: await menu('Always open', 'web_menu', { hours: { time_zone: 'Europe/Berlin', weekly: allDay } }),
    deleted: await menu('Gone', 'mobile_menu', { deleted: true }),
    mobileClosedByHours: await menu('App never open', 'mobile_menu', { hours: { time_zone: 'UTC', weekly: {} } }),
    // Monday to Friday, 09:00-17:00 UTC (see nextUtc).
    weekdaysNineToFive: await menu('Office hours', 'web_menu', { hours: { time_zone: 'UTC', weekly: nineToFive } }),
    broadcast: await menu('App broadcast', 'mobile_menu', { offerType: 'broadcast' }),
  };
  await t.db.query(
    `INSERT INTO contacts (company_id, ticket_id, out_contact_id, phone_numbers, out_ticket_url) VALUES
      ($1, '71450', '381630957514', '{+18596579625}', 'https://crm.example.com/71450'),
      ($1, '71451', '381630957515', '{+18596579626,+12025550143}', NULL)`,
    [companyId],
  );
  const numbers = options.outboundNumbers ?? [
    { number: '+1 339-219-5276', e164: '+13392195276', isDefault: true },
    { number: '+1 760-867-5309', e164: '+17608675309', isDefault: false },
  ];
  for (const o of numbers) {
    await t.db.query(`INSERT INTO outbound_numbers (company_id, number, e164, is_default) VALUES ($1, $2, $3, $4)`, [companyId, o.number, o.e164, o.isDefault]);
  }
  return { company, companyId: String(companyId), agents, menus, contacts: { single: '71450', several: '71451' } };
}

export const FUTURE = () => new Date(Date.now() + 3600_000).toISOString();

// The next instant strictly after now (at least a day ahead) that falls on
// `weekday` (0 = Sunday) at `hour`:00 UTC.
export function nextUtc(weekday: number, hour: number): string {
  const d = new Date();
  d.setUTCHours(hour, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

export interface CallRowCounts {
  calls: number;
  end_users: number;
  participants: number;
  call_events: number;
  pending_calls: number;
  busy_agents: number;
}

// What a refused request must leave untouched: the company's call rows and
// its agents' statuses.
export async function countCallRows(t: TestApp, companyId: string): Promise<CallRowCounts> {
  const [row] = await t.db.query(
    `SELECT (SELECT count(*) FROM calls WHERE company_id = $1)::int AS calls,
            (SELECT count(*) FROM end_users WHERE company_id = $1)::int AS end_users,
            (SELECT count(*) FROM participants p JOIN calls c ON c.id = p.call_id WHERE c.company_id = $1)::int AS participants,
            (SELECT count(*) FROM call_events e JOIN calls c ON c.id = e.call_id WHERE c.company_id = $1)::int AS call_events,
            (SELECT count(*) FROM pending_calls WHERE company_id = $1)::int AS pending_calls,
            (SELECT count(*) FROM agents WHERE company_id = $1 AND status = 'busy')::int AS busy_agents`,
    [companyId],
  );
  return row;
}
