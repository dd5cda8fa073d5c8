import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { one, parseListQuery } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { requestError } from '../common/request-errors';
import { parseId } from '../common/ids';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { ApiPagedList } from '../http/openapi';
import { AgentRefResponse } from '../teams/dto/team.dto';
import { StatusRefResponse } from '../user-statuses/dto/user-status.dto';
import { presentActivityLog } from './agent-activity-log.presenter';
import { ACTIVITY_SORT_COLUMNS, AgentActivityLogsRepository } from './agent-activity-logs.repository';

export class ActivityLogResponse {
  @ApiProperty() id: number;
  @ApiProperty() agent_id: number;
  @ApiProperty({ enum: ['status', 'call'], description: 'status: the agent was in `status` from started_at to ended_at; call: the agent took part in call_id' }) activity: string;
  @ApiProperty({ type: StatusRefResponse, nullable: true }) status: StatusRefResponse | null;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'null while it lasts' }) ended_at: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Whole seconds; null while it lasts' }) duration: number | null;
  @ApiProperty({ type: Number, nullable: true }) call_id: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Always null: no chats' }) chat_id: number | null;
  @ApiProperty({ type: AgentRefResponse, description: 'The agent the row is about' }) whodunnit: AgentRefResponse;
}

const SPEC = { sortColumns: ACTIVITY_SORT_COLUMNS, defaultSort: 'started_at' as const, timeRanges: ['started_at'] };

@ApiTags('manager: agent activity logs')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/agent_activity_logs')
export class AgentActivityLogsController {
  constructor(private readonly logs: AgentActivityLogsRepository) {}

  @Get()
  @ApiPagedList(ActivityLogResponse, { description: "Every change of an agent's status and every call an agent took part in", ...SPEC })
  @ApiQuery({ name: 'agent_id', required: false, schema: { type: 'integer' } })
  @ApiQuery({ name: 'call_id', required: false, schema: { type: 'integer' } })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const list = parseListQuery(query, SPEC);
    const [rows, total] = await this.logs.list(company.id, list, { agentId: idFilter(query, 'agent_id'), callId: idFilter(query, 'call_id') });
    setPagingHeaders(req, res, list.page, total);
    return rows.map(presentActivityLog);
  }
}

function idFilter(query: Record<string, unknown>, name: string): string | undefined {
  const value = one(query, name);
  if (value === undefined) return undefined;
  const id = parseId(value);
  if (id === null) throw requestError('idFilter', name);
  return id;
}
