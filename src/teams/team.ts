// A team as the Manager API reads it, with its agents (CCAI's `assignees`).
// Deleted teams stay, with `deleted` set.
export interface AgentRefJson {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  agent_number: string | null;
  avatar_url: string | null;
}

export interface TeamRow {
  id: string;
  company_id: string;
  parent_id: string | null;
  name: string;
  position: number;
  deleted: boolean;
  assignees: AgentRefJson[];
}

export interface TeamColumns {
  name?: string;
  parent_id?: string | null;
  position?: number;
}

// An agent as CCAI nests it in teams and menu assignments (agent_number a
// string there, as in the agents list).
export const agentRefJson = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.first_name || ' ' || ${alias}.last_name,
  'first_name', ${alias}.first_name, 'last_name', ${alias}.last_name, 'agent_number', ${alias}.agent_number, 'avatar_url', ${alias}.avatar_url)`;

export const TEAM_COLUMNS = `t.id, t.company_id, t.parent_id, t.name, t.position, t.deleted,
  (SELECT coalesce(json_agg(${agentRefJson('a')} ORDER BY a.id), '[]') FROM team_members tm JOIN agents a ON a.id = tm.agent_id WHERE tm.team_id = t.id) AS assignees`;
