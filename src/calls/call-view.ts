import type { MenuPath } from '../menus/menu.presenter';

// The one query shape that reads calls for the call object: the call row
// with its menu, menu path (stored on the menu: the StoredMenuPath
// migration), agent, end user, participants and transfers, assembled by
// PostgreSQL in one round trip. `now` is the database's clock, against which
// running durations count.
const agentJson = (alias: string) => `CASE WHEN ${alias}.id IS NULL THEN NULL ELSE json_build_object(
    'id', ${alias}.id, 'name', ${alias}.first_name || ' ' || ${alias}.last_name, 'last_name', ${alias}.last_name,
    'first_name', ${alias}.first_name, 'agent_number', ${alias}.agent_number, 'avatar_url', ${alias}.avatar_url) END`;

export const CALL_VIEW_COLUMNS = `
  c.*,
  CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object(
    'id', m.id, 'name', m.name, 'parent_id', m.parent_id, 'position', m.position, 'deleted', m.deleted,
    'hidden', m.hidden, 'menu_type', m.menu_type, 'output_msg', m.output_msg) END AS selected_menu,
  m.path AS menu_path,
  ${agentJson('a')} AS agent_info,
  CASE WHEN eu.id IS NULL THEN NULL ELSE json_build_object('id', eu.id, 'identifier', eu.identifier, 'out_contact_id', eu.out_contact_id) END AS end_user,
  (SELECT coalesce(json_agg(json_build_object(
      'id', p.id, 'type', p.type, 'status', p.status, 'call_id', p.call_id, 'user_id', p.agent_id, 'end_user_id', p.end_user_id,
      'connected_at', p.connected_at, 'ended_at', p.ended_at, 'hold_ms', p.hold_ms, 'fail_reason', p.fail_reason) ORDER BY p.id), '[]')
     FROM participants p WHERE p.call_id = c.id) AS participants,
  (SELECT coalesce(json_agg(json_build_object(
      'id', t.id, 'status', t.status, 'fail_reason', t.fail_reason, 'created_at', t.created_at, 'updated_at', t.updated_at,
      'from_menu', fm.path, 'to_menu', tm.path,
      'from_agent', ${agentJson('fa')}, 'to_agent', ${agentJson('ta')}) ORDER BY t.id), '[]')
     FROM transfers t
       LEFT JOIN menus fm ON fm.id = t.from_menu_id LEFT JOIN menus tm ON tm.id = t.to_menu_id
       LEFT JOIN agents fa ON fa.id = t.from_agent_id LEFT JOIN agents ta ON ta.id = t.to_agent_id
     WHERE t.call_id = c.id) AS transfers,
  clock_timestamp() AS now`;

// `source` is where the call row comes from: the calls table, or the
// RETURNING * of a statement that just changed it.
export const callViewFrom = (source = 'calls') => `
  ${source} c
  LEFT JOIN menus m ON m.id = c.menu_id
  LEFT JOIN agents a ON a.id = c.agent_id
  LEFT JOIN end_users eu ON eu.id = c.end_user_id`;

export const CALL_VIEW_FROM = callViewFrom();

// A row of the view, as pg answers it (or as JSON, for a recorded answer:
// times as strings, ids as numbers; the presenter reads both).
export interface CallViewRow {
  id: string;
  parent_id: string | null;
  lang: string;
  call_type: string;
  status: string;
  created_at: Date;
  queued_at: Date | null;
  assigned_at: Date | null;
  connected_at: Date | null;
  ends_at: Date | null;
  scheduled_at: Date | null;
  hold_ms: string;
  hold_started_at: Date | null;
  rating: number | null;
  has_feedback: boolean;
  voip_provider: string;
  out_ticket_id: string | null;
  out_ticket_url: string | null;
  verified: boolean;
  recording_url: string | null;
  recording_permission: string;
  voicemail_reason: string;
  deflection: string;
  deflection_details: unknown[];
  disconnected_by: string;
  fail_reason: string;
  fail_details: string | null;
  support_number: string | null;
  offer_type: string | null;
  offer_events: unknown[];
  answer_type: string;
  outbound_number: string | null;
  updated_at: Date;
  selected_menu: Record<string, unknown> | null;
  menu_path: MenuPath | null;
  agent_info: Record<string, unknown> | null;
  end_user: Record<string, unknown> | null;
  participants: Array<ParticipantJson>;
  transfers: Array<TransferJson>;
  now: Date;
}

export interface ParticipantJson {
  id: number;
  type: string;
  status: string;
  call_id: number;
  user_id: number | null;
  end_user_id: number | null;
  connected_at: string | null;
  ended_at: string | null;
  hold_ms: number | null;
  fail_reason: string;
}

export interface TransferJson {
  id: number;
  status: string;
  fail_reason: string;
  created_at: string;
  updated_at?: string; // absent from views recorded before the ManagerRecords migration
  from_menu: unknown;
  to_menu: unknown;
  from_agent: unknown;
  to_agent: unknown;
}

