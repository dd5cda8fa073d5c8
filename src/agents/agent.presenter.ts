import { Agent } from './agent.entity';

export function presentAgent(agent: Agent) {
  return {
    id: Number(agent.id),
    email: agent.email,
    name: `${agent.firstName} ${agent.lastName}`,
    first_name: agent.firstName,
    last_name: agent.lastName,
    agent_number: agent.agentNumber,
    avatar_url: agent.avatarUrl,
    can_make_calls: agent.canMakeCalls,
    status: agent.status,
  };
}
