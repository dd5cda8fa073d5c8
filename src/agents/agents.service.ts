import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { Agent } from './agent.entity';
import { AgentsRepository } from './agents.repository';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

export const AgentMessages = {
  notFound: (id: string) => `Agent ${id} is not found`,
  emailTaken: (email: string) => `An agent with email '${email}' already exists`,
} as const;

@Injectable()
export class AgentsService {
  constructor(private readonly agents: AgentsRepository) {}

  async create(companyId: string, dto: CreateAgentDto): Promise<Agent> {
    try {
      return await this.agents.insert({ companyId, ...toColumns(dto) });
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict(AgentMessages.emailTaken(dto.email));
      throw error;
    }
  }

  list(companyId: string, offset: number, limit: number) {
    return this.agents.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<Agent> {
    const agentId = parseId(id);
    const agent = agentId && (await this.agents.findById(companyId, agentId));
    if (!agent) throw ApiError.notFound(AgentMessages.notFound(id));
    return agent;
  }

  async update(companyId: string, id: string, dto: UpdateAgentDto): Promise<Agent> {
    await this.get(companyId, id);
    try {
      const agent = await this.agents.update(companyId, id, toColumns(dto));
      if (!agent) throw ApiError.notFound(AgentMessages.notFound(id));
      return agent;
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict(AgentMessages.emailTaken(dto.email ?? ''));
      throw error;
    }
  }
}

function toColumns(dto: UpdateAgentDto): Partial<Agent> {
  const columns: Partial<Agent> = {};
  if (dto.email !== undefined) columns.email = dto.email;
  if (dto.first_name !== undefined) columns.firstName = dto.first_name;
  if (dto.last_name !== undefined) columns.lastName = dto.last_name;
  if (dto.agent_number !== undefined) columns.agentNumber = dto.agent_number;
  if (dto.avatar_url !== undefined) columns.avatarUrl = dto.avatar_url;
  if (dto.can_make_calls !== undefined) columns.canMakeCalls = dto.can_make_calls;
  if (dto.status !== undefined) columns.status = dto.status;
  return columns;
}
