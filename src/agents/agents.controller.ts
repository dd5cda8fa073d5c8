import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { parsePage, setPagingHeaders } from '../common/paging';
import { presentAgent } from './agent.presenter';
import { AgentsService } from './agents.service';
import { AgentResponse, CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

@ApiTags('manager: agents')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @ApiCreatedResponse({ type: AgentResponse })
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateAgentDto) {
    return presentAgent(await this.agents.create(company.id, body));
  }

  @Get()
  @ApiOkResponse({ type: [AgentResponse], description: 'Ordered by id; paged (headers total, per-page, Link)' })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'per', required: false, type: Number, description: '1 to 100 (default 100)' })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parsePage(query);
    const [agents, total] = await this.agents.list(company.id, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return agents.map(presentAgent);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentResponse })
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentAgent(await this.agents.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: AgentResponse })
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateAgentDto) {
    return presentAgent(await this.agents.update(company.id, id, body));
  }
}
