import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { parseListQuery } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { AGENT_SORT_COLUMNS } from './agent';
import { presentAgent } from './agent.presenter';
import { AgentsService } from './agents.service';
import { AgentResponse, CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

const SPEC = { sortColumns: AGENT_SORT_COLUMNS, defaultSort: 'id' as const, timeRanges: ['status_updated_at', 'created_at'] };

@ApiTags('manager: agents')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @ApiCreatedResponse({ type: AgentResponse })
  @ApiErrors(400, 401, 409)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateAgentDto) {
    return presentAgent(await this.agents.create(company.id, body));
  }

  @Get()
  @ApiPagedList(AgentResponse, { description: 'Agents, by id unless sorted otherwise', ...SPEC })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const list = parseListQuery(query, SPEC);
    const [agents, total] = await this.agents.list(company.id, list);
    setPagingHeaders(req, res, list.page, total);
    return agents.map(presentAgent);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentAgent(await this.agents.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateAgentDto) {
    return presentAgent(await this.agents.update(company.id, id, body));
  }
}
