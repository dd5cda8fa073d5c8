import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPagedList } from '../../http/openapi';
import { CALL_STATUSES } from '../lifecycle/machine/call.machine';
import { CallResponse } from './call.schema';
import { CALL_TYPES } from './create-call.request';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../../companies/company-auth.guard';
import { setPagingHeaders } from '../../common/paging';
import { CallReads } from '../call-reads.service';
import { parseCallListQuery } from './call-list-query';
import { presentCall } from './call.presenter';

// Listing as CCAI's Manager API does, for data pipelines.
@ApiTags('manager: calls')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/calls')
export class ManagerCallsController {
  constructor(private readonly reads: CallReads) {}

  @Get()
  @ApiPagedList(CallResponse, { description: 'Calls as CCAI pages them', sortColumns: ['created_at', 'updated_at', 'scheduled_at', 'id'], defaultSort: 'created_at', timeRanges: ['created_at', 'updated_at'] })
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: [...CALL_STATUSES] } })
  @ApiQuery({ name: 'call_type', required: false, schema: { type: 'string', enum: Object.values(CALL_TYPES) } })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const { filter, page } = parseCallListQuery(company.id, query);
    const { rows, total } = await this.reads.list(filter);
    setPagingHeaders(req, res, page, total);
    return rows.map(presentCall);
  }

  @Get(':id')
  @ApiOkResponse({ type: CallResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentCall(await this.reads.get(company.id, id));
  }
}
