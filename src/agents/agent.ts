import type { CompanyTable } from '../database/company-rows';

// The engine's availability of an agent: only `available` agents take calls;
// the lifecycle sets busy/available as calls come and go.
export const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface StatusRefJson {
  id: number;
  name: string;
  color: string;
  wfm_id: number | null;
}

// An agent as the Manager API reads it (bigint ids as strings, as pg answers
// them), with what CCAI's agent record derives from other tables: its user
// status, teams, channels (the menus it answers, directly or through a team)
// and the calls it took part in.
export interface AgentRow {
  id: string;
  company_id: string;
  email: string;
  first_name: string;
  last_name: string;
  agent_number: string | null;
  avatar_url: string | null;
  can_make_calls: boolean;
  status: AgentStatus;
  user_status_id: string | null;
  status_updated_at: Date;
  created_at: Date;
  status_ref: StatusRefJson | null;
  teams: Array<Record<string, unknown>>;
  channels: Array<Record<string, unknown>>;
  call_count: number;
}

// The columns a request may set.
export interface AgentColumns {
  email?: string;
  first_name?: string;
  last_name?: string;
  agent_number?: string | null;
  avatar_url?: string | null;
  can_make_calls?: boolean;
  status?: AgentStatus;
  user_status_id?: string | null;
}

// Subqueries name the row as `agents` (valid in SELECT … FROM agents and in
// INSERT/UPDATE … RETURNING alike).
export const AGENTS: CompanyTable = {
  name: 'agents',
  columns: `id, company_id, email, first_name, last_name, agent_number, avatar_url, can_make_calls, status, user_status_id, status_updated_at, created_at,
    (SELECT json_build_object('id', s.id, 'name', s.name, 'color', s.color, 'wfm_id', s.wfm_id) FROM user_statuses s
      WHERE s.id = agent_user_status(agents.company_id, agents.status, agents.user_status_id)) AS status_ref,
    (SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'parent_id', t.parent_id, 'position', t.position, 'deleted', t.deleted,
        'agents_count', (SELECT count(*) FROM team_members x WHERE x.team_id = t.id)) ORDER BY t.id), '[]')
       FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.agent_id = agents.id AND NOT t.deleted) AS teams,
    (SELECT coalesce(json_agg(json_build_object('channel_type', 'voice_call', 'menu', json_build_object('id', m.id, 'name', m.name, 'parent_id', m.parent_id,
        'position', m.position, 'menu_type', m.menu_type, 'output_msg', m.output_msg, 'hidden', m.hidden, 'deleted', m.deleted)) ORDER BY m.id), '[]')
       FROM menus m WHERE NOT m.deleted AND (m.id IN (SELECT ma.menu_id FROM menu_agent_assignments ma WHERE ma.agent_id = agents.id)
         OR m.id IN (SELECT mt.menu_id FROM menu_team_assignments mt JOIN team_members tm2 ON tm2.team_id = mt.team_id WHERE tm2.agent_id = agents.id))) AS channels,
    (SELECT count(DISTINCT l.call_id)::int FROM agent_activity_logs l WHERE l.agent_id = agents.id AND l.call_id IS NOT NULL) AS call_count`,
};

export const AGENT_SORT_COLUMNS = ['id', 'status_updated_at', 'created_at'] as const;
export type AgentSortColumn = (typeof AGENT_SORT_COLUMNS)[number];
