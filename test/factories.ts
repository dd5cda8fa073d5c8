import { randomBytes, randomInt } from 'node:crypto';
import type { TestApp, TestCompany, TestResponse } from './support/test-app';

// Configuration data for a company, created over the Manager API. Each
// factory answers the created JSON body and throws (with the server's
// answer) when the API refuses; `overrides` are merged into the request body
// (a key set to undefined is left out).
const API = '/manager/api/v1';

let sequence = 0;
const unique = () => `${++sequence}${randomBytes(3).toString('hex')}`;

function created<T>(what: string, res: TestResponse<T>): T {
  if (res.status !== 201) throw new Error(`creating ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

function withoutUndefined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

export interface AgentJson {
  id: number;
  email: string;
  name: string;
  first_name: string;
  last_name: string;
  agent_number: string | null;
  avatar_url: string | null;
  can_make_calls: boolean;
  status: { id: number; name: string; color: string; wfm_id: number | null };
  availability: 'available' | 'busy' | 'away' | 'offline';
  status_updated_at: string;
  created_at: string;
}

export interface MenuJson {
  id: number;
  name: string;
  menu_type: 'ivr_menu' | 'mobile_menu' | 'web_menu';
  parent_id: number | null;
  position: number;
  state: 'open' | 'after_hours' | 'manual_redirection';
  languages: string[];
  output_msg: string | null;
  hidden: boolean;
  offer_type: 'cascade' | 'broadcast';
  recording_option: 'always' | 'never' | 'ask_permission';
  business_hours: { time_zone: string; weekly: Record<string, Array<[string, string]>>; closed_dates: string[] } | null;
  deleted: boolean;
}

export interface OutboundNumberJson {
  id: number;
  number: string;
  default: boolean;
}

export interface ContactJson {
  id: number;
  ticket_id: string;
  out_contact_id: string | null;
  phone_numbers: string[];
  out_ticket_url: string | null;
}

// An available agent who can make calls, with a unique e-mail.
export async function createAgent(t: TestApp, company: TestCompany, overrides: Record<string, unknown> = {}): Promise<AgentJson> {
  const n = unique();
  const body = withoutUndefined({ email: `agent-${n}@example.com`, first_name: 'Agent', last_name: n, ...overrides });
  return created('an agent', await t.post<AgentJson>(`${API}/agents`, body, company));
}

// An open ivr_menu root; with `parent_id`, a child of that menu (its type).
export async function createMenu(t: TestApp, company: TestCompany, overrides: Record<string, unknown> = {}): Promise<MenuJson> {
  const defaults = overrides.parent_id == null ? { menu_type: 'ivr_menu' } : {};
  const body = withoutUndefined({ name: `Menu ${unique()}`, ...defaults, ...overrides });
  return created('a menu', await t.post<MenuJson>(`${API}/menus`, body, company));
}

// A chain of menus, each the child of the one before: ['Main', 'Support',
// 'Billing'] answers three menus, the last one a leaf whose menu_path name
// is 'Main / Support / Billing'. `overrides` go to the root; the others
// take its menu_type.
export async function createMenuPath(t: TestApp, company: TestCompany, names: string[], overrides: Record<string, unknown> = {}): Promise<MenuJson[]> {
  const menus: MenuJson[] = [];
  for (const name of names) {
    const parent = menus.at(-1);
    menus.push(await createMenu(t, company, parent ? { name, parent_id: parent.id } : { name, ...overrides }));
  }
  return menus;
}

// A well-formed US number, as an operator would type it ("+1 202-734-0012"),
// distinct from every other one this test file draws.
const phoneBase = randomInt(0, 7_000_000);
let phoneSequence = 0;
export function randomPhoneNumber(): string {
  const n = (phoneBase + phoneSequence++) % 8_000_000;
  return `+1 202-${200 + Math.floor(n / 10000)}-${String(n % 10000).padStart(4, '0')}`;
}

// The E.164 form of a number this file made ("+12027340012").
export function e164(number: string): string {
  return number.replace(/[^\d+]/g, '');
}

// A fresh number, not the default unless `{ default: true }`.
export async function createOutboundNumber(t: TestApp, company: TestCompany, overrides: Record<string, unknown> = {}): Promise<OutboundNumberJson> {
  const body = withoutUndefined({ number: randomPhoneNumber(), ...overrides });
  return created('an outbound number', await t.post<OutboundNumberJson>(`${API}/outbound_numbers`, body, company));
}

// A contact with a unique ticket_id and one phone number.
export async function createContact(t: TestApp, company: TestCompany, overrides: Record<string, unknown> = {}): Promise<ContactJson> {
  const body = withoutUndefined({ ticket_id: `T-${unique()}`, phone_numbers: [randomPhoneNumber()], ...overrides });
  return created('a contact', await t.post<ContactJson>(`${API}/contacts`, body, company));
}
