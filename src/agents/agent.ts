import type { CompanyTable } from '../database/company-rows';

export const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

// An agent as the Manager API reads it (bigint ids as strings, as pg answers them).
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
}

// The columns a request may set.
export type AgentColumns = Partial<Omit<AgentRow, 'id' | 'company_id'>>;

export const AGENTS: CompanyTable = {
  name: 'agents',
  columns: 'id, company_id, email, first_name, last_name, agent_number, avatar_url, can_make_calls, status',
};
