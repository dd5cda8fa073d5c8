import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { setPagingHeaders } from '../common/paging';
import { parseCallListQuery } from './call-list-query';
import { presentCall } from './call.presenter';
import { CallsRepository } from './calls.repository';
import { CallsService } from './calls.service';

// Listing as CCAI's Manager API does, for data pipelines.
@ApiTags('manager: calls')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/calls')
export class ManagerCallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly repository: CallsRepository,
  ) {}

  @Get()
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const { filter, page } = parseCallListQuery(company.id, query);
    const { rows, total } = await this.repository.list(filter);
    setPagingHeaders(req, res, page, total);
    return rows.map(presentCall);
  }

  @Get(':id')
  get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.calls.get(company.id, id);
  }
}
