import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiBasicAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../../companies/company-auth.guard';
import { callError } from '../call-errors';
import { CallReads } from '../call-reads.service';
import { CallCreation, CreatedCall } from '../creation/call-creation.service';
import { CustomerFlagsService } from '../customer-flags.service';
import { presentCall } from './call.presenter';
import { parseCompletePendingCall, parseCreateCall } from './create-call.request';
import { parseCustomerFlags } from './customer-flags.request';
import { IdempotencyService } from './idempotency.service';
import type { IdempotencyClaim } from '../creation/create-call.command';

// The CCAI Platform Calls API (shared spec calls-api.md). Bodies are read
// as raw JSON into the engine's commands (create-call.request.ts): the
// contract fixes the order of checks and their messages, which a DTO's
// validation would not keep.
import { ApiErrors } from '../../http/openapi';
import { CallLogEntryResponse, CallResponse, CompletePendingCallRequest, CreateCallRequest, CustomerFlagsRequest, CustomerFlagsResponse, PendingCallResponse } from './call.schema';

@ApiTags('calls')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('apps/api/v1')
export class CallsController {
  constructor(
    private readonly creation: CallCreation,
    private readonly reads: CallReads,
    private readonly flags: CustomerFlagsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('calls')
  @ApiBody({ type: CreateCallRequest, examples: { inbound: { value: { call_type: 'Voice Inbound (API)', menu_id: 9, end_user_number: '+1 859-657-9625', lang: 'en' } } } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key and body within 24 hours answers the first answer again' })
  @ApiCreatedResponse({ type: CallResponse })
  @ApiAcceptedResponse({ type: PendingCallResponse, description: 'The number to dial is ambiguous: a pending request for the agent to complete' })
  @ApiErrors(400, 401, 409, 415, 422)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const create = async (claim: IdempotencyClaim | null) => answer(await this.creation.create(parseCreateCall(company.id, body, claim)));
    if (key === undefined) {
      const result = await create(null);
      void reply.status(result.status);
      return result.body;
    }
    const result = await this.idempotency.run(company.id, key, body, create, async (id) => presentCall(await this.reads.get(company.id, id)));
    void reply.status(result.status);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('calls/:id')
  @ApiOkResponse({ type: CallResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentCall(await this.reads.get(company.id, id));
  }

  @Get('calls/:id/events')
  @ApiOkResponse({ type: [CallLogEntryResponse], description: "The call's event log, oldest first" })
  @ApiErrors(401, 404)
  events(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.reads.events(company.id, id);
  }

  @Get('calls/:id/customer_flag')
  @ApiOkResponse({ type: CustomerFlagsResponse })
  @ApiErrors(401, 404)
  customerFlag(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return this.flags.get(company.id, id);
  }

  @Patch('calls/:id/customer_flag')
  @ApiBody({ type: CustomerFlagsRequest })
  @ApiOkResponse({ type: CustomerFlagsResponse })
  @ApiErrors(400, 401, 404)
  updateCustomerFlag(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    return this.flags.update(parseCustomerFlags(company.id, id, body));
  }

  @Get('pending_calls')
  @ApiQuery({ name: 'agent_email', required: false })
  @ApiOkResponse({ type: [PendingCallResponse] })
  @ApiErrors(400, 401)
  pendingCalls(@CurrentCompany() company: AuthenticatedCompany, @Query('agent_email') agentEmail: unknown) {
    if (agentEmail !== undefined && agentEmail !== null && agentEmail !== '' && typeof agentEmail !== 'string') throw callError('pendingAgentEmailNotString');
    return this.creation.listPending(company.id, typeof agentEmail === 'string' && agentEmail !== '' ? agentEmail : null);
  }

  @Post('pending_calls/:id/complete')
  @ApiBody({ type: CompletePendingCallRequest })
  @ApiCreatedResponse({ type: CallResponse })
  @ApiErrors(400, 401, 404)
  async completePending(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = answer(await this.creation.completePending(parseCompletePendingCall(company.id, id, body)));
    void reply.status(result.status);
    return result.body;
  }
}

// A created call is 201 with the call object; a parked request 202.
function answer(created: CreatedCall): { status: number; body: unknown } {
  return created.created ? { status: 201, body: presentCall(created.view) } : { status: 202, body: created.pending };
}
