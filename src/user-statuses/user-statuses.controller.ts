import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIdOrderedPage } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { CreateUserStatusDto, UpdateUserStatusDto, UserStatusResponse } from './dto/user-status.dto';
import { presentUserStatus } from './user-status.presenter';
import { UserStatusesService } from './user-statuses.service';

@ApiTags('manager: user statuses')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/user_statuses')
export class UserStatusesController {
  constructor(private readonly statuses: UserStatusesService) {}

  @Post()
  @ApiCreatedResponse({ type: UserStatusResponse })
  @ApiErrors(400, 401, 409)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateUserStatusDto) {
    return presentUserStatus(await this.statuses.create(company.id, body));
  }

  @Get()
  @ApiPagedList(UserStatusResponse, { description: 'The built-in and custom statuses, by id', idOrdered: true })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [statuses, total] = await this.statuses.list(company.id, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return statuses.map(presentUserStatus);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserStatusResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentUserStatus(await this.statuses.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserStatusResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateUserStatusDto) {
    return presentUserStatus(await this.statuses.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'A custom status is removed; agents in it return to the built-in status of their availability' })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.statuses.delete(company.id, id);
  }
}
