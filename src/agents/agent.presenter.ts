import { AgentRow } from './agent';

// CCAI's agent record. What Switchboard has no concept of is answered
// honestly: middle_name, last_login_time and location null (never stored),
// chat_count 0 (no chats), crm_authenticated and wrap_up false (no CRM login,
// no wrap-up state), roles ["agent"] (no roles but the one). docs/manager-api.md
// lists every derived field.
export function presentAgent(agent: AgentRow) {
  return {
    id: Number(agent.id),
    email: agent.email,
    name: `${agent.first_name} ${agent.last_name}`,
    first_name: agent.first_name,
    middle_name: null,
    last_name: agent.last_name,
    agent_number: agent.agent_number,
    avatar_url: agent.avatar_url,
    can_make_calls: agent.can_make_calls,
    status: agent.status_ref === null ? null : { ...agent.status_ref, id: Number(agent.status_ref.id) },
    availability: agent.status,
    status_updated_at: new Date(agent.status_updated_at).toISOString(),
    created_at: new Date(agent.created_at).toISOString(),
    last_login_time: null,
    online: agent.status !== 'offline',
    roles: ['agent'],
    teams: agent.teams,
    channels: agent.channels,
    call_count: agent.call_count,
    chat_count: 0,
    crm_authenticated: false,
    location: null,
    wrap_up: false,
  };
}
