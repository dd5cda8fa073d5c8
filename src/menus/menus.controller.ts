import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIdOrderedPage } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { requestError } from '../common/request-errors';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { CreateMenuDto, MenuResponse, MenuTreeNodeResponse, UpdateMenuDto } from './dto/menu.dto';
import { presentMenu, presentMenuTree } from './menu.presenter';
import { MenusService } from './menus.service';

@ApiTags('manager: menus')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/menus')
export class MenusController {
  constructor(private readonly menus: MenusService) {}

  @Post()
  @ApiCreatedResponse({ type: MenuResponse })
  @ApiErrors(400, 401, 409)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateMenuDto) {
    return presentMenu(await this.menus.create(company.id, body));
  }

  @Get()
  @ApiPagedList(MenuResponse, { description: 'By id', idOrdered: true })
  @ApiQuery({ name: 'include_deleted', required: false, type: Boolean, description: 'Also list deleted menus (default false)' })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [menus, total] = await this.menus.list(company.id, { includeDeleted: parseIncludeDeleted(query.include_deleted), offset: page.offset, limit: page.per });
    setPagingHeaders(req, res, page, total);
    return menus.map(presentMenu);
  }

  @Get('tree')
  @ApiOkResponse({ type: [MenuTreeNodeResponse], description: 'The live menus as a forest: the roots, each with its children (by position, then id)' })
  @ApiErrors(401)
  async tree(@CurrentCompany() company: AuthenticatedCompany) {
    return presentMenuTree(await this.menus.listLive(company.id));
  }

  @Get(':id')
  @ApiOkResponse({ type: MenuResponse, description: 'Deleted menus too, with deleted: true' })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentMenu(await this.menus.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: MenuResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateMenuDto) {
    return presentMenu(await this.menus.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Marked deleted; 409 while live child menus hang under it' })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.menus.delete(company.id, id);
  }
}

function parseIncludeDeleted(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw requestError('includeDeletedNotBoolean');
}
