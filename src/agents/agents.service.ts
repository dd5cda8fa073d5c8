import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { agentError } from './agent-errors';
import { AgentColumns, AgentRow } from './agent';
import { AgentsRepository } from './agents.repository';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

@Injectable()
export class AgentsService {
  constructor(private readonly agents: AgentsRepository) {}

  async create(companyId: string, dto: CreateAgentDto): Promise<AgentRow> {
    try {
      return await this.agents.insert(companyId, toColumns(dto));
    } catch (error) {
      if (isUniqueViolation(error)) throw agentError('emailTaken', dto.email);
      throw error;
    }
  }

  list(companyId: string, offset: number, limit: number): Promise<[AgentRow[], number]> {
    return this.agents.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<AgentRow> {
    const agentId = parseId(id);
    const agent = agentId && (await this.agents.findById(companyId, agentId));
    if (!agent) throw agentError('notFound', id);
    return agent;
  }

  async update(companyId: string, id: string, dto: UpdateAgentDto): Promise<AgentRow> {
    await this.get(companyId, id);
    try {
      const agent = await this.agents.update(companyId, id, toColumns(dto));
      if (!agent) throw agentError('notFound', id);
      return agent;
    } catch (error) {
      if (isUniqueViolation(error)) throw agentError('emailTaken', dto.email ?? '');
      throw error;
    }
  }
}

function toColumns(dto: UpdateAgentDto): AgentColumns {
  return {
    email: dto.email,
    first_name: dto.first_name,
    last_name: dto.last_name,
    agent_number: dto.agent_number,
    avatar_url: dto.avatar_url,
    can_make_calls: dto.can_make_calls,
    status: dto.status,
  };
}
