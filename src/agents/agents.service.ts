import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import type { ListQuery } from '../common/list-query';
import { UserStatusesRepository } from '../user-statuses/user-statuses.repository';
import { agentError } from './agent-errors';
import { AgentColumns, AgentRow, AgentSortColumn } from './agent';
import { AgentsRepository } from './agents.repository';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly statuses: UserStatusesRepository,
  ) {}

  async create(companyId: string, dto: CreateAgentDto): Promise<AgentRow> {
    const columns = await this.toColumns(companyId, dto);
    try {
      return await this.agents.insert(companyId, columns);
    } catch (error) {
      if (isUniqueViolation(error)) throw agentError('emailTaken', dto.email);
      throw error;
    }
  }

  list(companyId: string, query: ListQuery<AgentSortColumn>): Promise<[AgentRow[], number]> {
    return this.agents.list(companyId, query);
  }

  async get(companyId: string, id: string): Promise<AgentRow> {
    const agentId = parseId(id);
    const agent = agentId && (await this.agents.findById(companyId, agentId));
    if (!agent) throw agentError('notFound', id);
    return agent;
  }

  async update(companyId: string, id: string, dto: UpdateAgentDto): Promise<AgentRow> {
    await this.get(companyId, id);
    const columns = await this.toColumns(companyId, dto);
    try {
      const agent = await this.agents.update(companyId, id, columns);
      if (!agent) throw agentError('notFound', id);
      return agent;
    } catch (error) {
      if (isUniqueViolation(error)) throw agentError('emailTaken', dto.email ?? '');
      throw error;
    }
  }

  // `status_id` (a user status) decides over `status` (an availability): a
  // built-in status sets its availability, a custom one its availability and
  // itself. `status` alone sets the built-in status of that availability.
  private async toColumns(companyId: string, dto: UpdateAgentDto): Promise<AgentColumns> {
    const columns: AgentColumns = {
      email: dto.email,
      first_name: dto.first_name,
      last_name: dto.last_name,
      agent_number: dto.agent_number,
      avatar_url: dto.avatar_url,
      can_make_calls: dto.can_make_calls,
      status: dto.status,
      user_status_id: dto.status === undefined ? undefined : null,
    };
    if (dto.status_id !== undefined) {
      const status = await this.statuses.findLive(companyId, String(dto.status_id));
      if (!status) throw agentError('statusNotFound', dto.status_id);
      columns.status = status.availability;
      columns.user_status_id = status.built_in ? null : status.id;
    }
    return columns;
  }
}
