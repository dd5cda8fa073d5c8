import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIdOrderedPage } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { requestError } from '../common/request-errors';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { CreateTeamDto, TeamResponse, TeamTreeNodeResponse, UpdateTeamDto } from './dto/team.dto';
import { presentTeam, presentTeamTree } from './team.presenter';
import { TeamsService } from './teams.service';

@ApiTags('manager: teams')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @ApiCreatedResponse({ type: TeamResponse })
  @ApiErrors(400, 401)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateTeamDto) {
    return presentTeam(await this.teams.create(company.id, body));
  }

  @Get()
  @ApiPagedList(TeamResponse, { description: 'Teams by id, with their agents', idOrdered: true })
  @ApiQuery({ name: 'include_deleted', required: false, type: Boolean, description: 'Also list deleted teams (default false)' })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [teams, total] = await this.teams.list(company.id, { includeDeleted: parseIncludeDeleted(query.include_deleted), offset: page.offset, limit: page.per });
    setPagingHeaders(req, res, page, total);
    return teams.map(presentTeam);
  }

  @Get('tree')
  @ApiOkResponse({ type: [TeamTreeNodeResponse], description: 'The live teams as a forest: the roots, each with its children (by position, then id)' })
  @ApiErrors(401)
  async tree(@CurrentCompany() company: AuthenticatedCompany) {
    return presentTeamTree(await this.teams.listLive(company.id));
  }

  @Get(':id')
  @ApiOkResponse({ type: TeamResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentTeam(await this.teams.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: TeamResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateTeamDto) {
    return presentTeam(await this.teams.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Marked deleted (its members and menu assignments are removed); 409 while live child teams hang under it' })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.teams.delete(company.id, id);
  }
}

function parseIncludeDeleted(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw requestError('includeDeletedNotBoolean');
}
