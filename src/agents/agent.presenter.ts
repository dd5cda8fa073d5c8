import { AgentRow } from './agent';

export function presentAgent(agent: AgentRow) {
  return {
    id: Number(agent.id),
    email: agent.email,
    name: `${agent.first_name} ${agent.last_name}`,
    first_name: agent.first_name,
    last_name: agent.last_name,
    agent_number: agent.agent_number,
    avatar_url: agent.avatar_url,
    can_make_calls: agent.can_make_calls,
    status: agent.status,
  };
}
