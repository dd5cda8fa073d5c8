import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { CallsService } from './calls.service';
import { CustomerFlagsService } from './customer-flags.service';
import { IdempotencyService } from './idempotency.service';

// The CCAI Platform Calls API (shared spec calls-api.md). Bodies are read
// as raw JSON: the contract fixes the order of checks and their messages,
// which a DTO's validation would not keep.
@ApiTags('calls')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('apps/api/v1')
export class CallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly flags: CustomerFlagsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('calls')
  @ApiBody({ schema: { type: 'object', example: { call_type: 'Voice Inbound (API)', menu_id: 9, end_user_number: '+1 859-657-9625', lang: 'en' } } })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (key === undefined) {
      const result = await this.calls.create(company.id, body);
      void reply.status(result.status);
      return result.body;
    }
    const result = await this.idempotency.run(company.id, key, body, () => this.calls.create(company.id, body, key), (id) => this.calls.get(company.id, id));
    void reply.status(result.status);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('calls/:id')
  get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.calls.get(company.id, id);
  }

  @Get('calls/:id/events')
  events(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.calls.events(company.id, id);
  }

  @Get('calls/:id/customer_flag')
  customerFlag(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.flags.get(company.id, id);
  }

  @Patch('calls/:id/customer_flag')
  @ApiBody({ schema: { type: 'object', example: { verified_customer: true, bad_actor: false, repeat_customer: true } } })
  updateCustomerFlag(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    return this.flags.update(company.id, id, body);
  }

  @Get('pending_calls')
  pendingCalls(@CurrentCompany() company: AuthenticatedCompany, @Query('agent_email') agentEmail: unknown) {
    return this.calls.listPending(company.id, agentEmail);
  }

  @Post('pending_calls/:id/complete')
  @ApiBody({ schema: { type: 'object', example: { outbound_number: '+17608675309' } } })
  async completePending(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.calls.completePending(company.id, id, body);
    void reply.status(result.status);
    return result.body;
  }
}
