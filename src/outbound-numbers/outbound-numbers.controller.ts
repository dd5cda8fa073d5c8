import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIdOrderedPage } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { CreateOutboundNumberDto, OutboundNumberResponse, UpdateOutboundNumberDto } from './dto/outbound-number.dto';
import { presentOutboundNumber } from './outbound-number.presenter';
import { OutboundNumbersService } from './outbound-numbers.service';

@ApiTags('manager: outbound numbers')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/outbound_numbers')
export class OutboundNumbersController {
  constructor(private readonly numbers: OutboundNumbersService) {}

  @Post()
  @ApiCreatedResponse({ type: OutboundNumberResponse })
  @ApiErrors(400, 401, 409)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateOutboundNumberDto) {
    return presentOutboundNumber(await this.numbers.create(company.id, body));
  }

  @Get()
  @ApiPagedList(OutboundNumberResponse, { description: 'By id', idOrdered: true })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [numbers, total] = await this.numbers.list(company.id, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return numbers.map(presentOutboundNumber);
  }

  @Get(':id')
  @ApiOkResponse({ type: OutboundNumberResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentOutboundNumber(await this.numbers.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: OutboundNumberResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateOutboundNumberDto) {
    return presentOutboundNumber(await this.numbers.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; deleting the default leaves the company without one' })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.numbers.delete(company.id, id);
  }
}
