import type { CompanyTable } from '../database/company-rows';
import type { BusinessHours } from './business-hours';

export const MENU_TYPES = ['ivr_menu', 'mobile_menu', 'web_menu'] as const;
export const MENU_STATES = ['open', 'after_hours', 'manual_redirection'] as const;
export const OFFER_TYPES = ['cascade', 'broadcast'] as const;
export const RECORDING_OPTIONS = ['always', 'never', 'ask_permission'] as const;
export type MenuType = (typeof MENU_TYPES)[number];
export type MenuState = (typeof MENU_STATES)[number];
export type OfferType = (typeof OFFER_TYPES)[number];
export type RecordingOption = (typeof RECORDING_OPTIONS)[number];
export type { BusinessHours };

// A menu as the Manager API reads it. Deleted menus stay (calls point at
// them) with `deleted` set. Its stored `path` (kept by triggers) is the
// Calls API's to read.
export interface MenuRow {
  id: string;
  company_id: string;
  parent_id: string | null;
  name: string;
  menu_type: MenuType;
  position: number;
  state: MenuState;
  languages: string[];
  output_msg: string | null;
  hidden: boolean;
  offer_type: OfferType;
  recording_option: RecordingOption;
  business_hours: BusinessHours | null;
  deleted: boolean;
  // Who answers the menu's queue: agents assigned directly, teams (with
  // their agents), and how many distinct agents that makes.
  agent_assignments: AgentRefRow[];
  team_assignments: Array<{ id: number; name: string; parent_id: number | null; position: number; deleted: boolean; assignees: AgentRefRow[] }>;
  agents_count: number;
}

export interface AgentRefRow {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  agent_number: string | null;
  avatar_url: string | null;
}

// The columns a request may set (`deleted` only through a delete).
export type MenuColumns = Partial<Omit<MenuRow, 'id' | 'company_id' | 'deleted' | 'agent_assignments' | 'team_assignments' | 'agents_count'>>;

const agentRef = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.first_name || ' ' || ${alias}.last_name,
  'first_name', ${alias}.first_name, 'last_name', ${alias}.last_name, 'agent_number', ${alias}.agent_number, 'avatar_url', ${alias}.avatar_url)`;

// Subqueries name the row as `menus` (SELECT … FROM menus and RETURNING alike).
export const MENUS: CompanyTable = {
  name: 'menus',
  columns: `id, company_id, parent_id, name, menu_type, position, state, languages, output_msg, hidden, offer_type, recording_option, business_hours, deleted,
    (SELECT coalesce(json_agg(${agentRef('a')} ORDER BY a.id), '[]') FROM menu_agent_assignments ma JOIN agents a ON a.id = ma.agent_id WHERE ma.menu_id = menus.id) AS agent_assignments,
    (SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'parent_id', t.parent_id, 'position', t.position, 'deleted', t.deleted,
        'assignees', (SELECT coalesce(json_agg(${agentRef('ta')} ORDER BY ta.id), '[]') FROM team_members tm JOIN agents ta ON ta.id = tm.agent_id WHERE tm.team_id = t.id)) ORDER BY t.id), '[]')
       FROM menu_team_assignments mt JOIN teams t ON t.id = mt.team_id WHERE mt.menu_id = menus.id) AS team_assignments,
    (SELECT count(*)::int FROM (SELECT ma.agent_id FROM menu_agent_assignments ma WHERE ma.menu_id = menus.id
       UNION SELECT tm.agent_id FROM menu_team_assignments mt JOIN team_members tm ON tm.team_id = mt.team_id WHERE mt.menu_id = menus.id) AS answering) AS agents_count`,
};
