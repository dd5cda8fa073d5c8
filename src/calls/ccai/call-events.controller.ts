import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../../companies/company-auth.guard';
import { callError } from '../call-errors';
import { CallLifecycle } from '../lifecycle/call-lifecycle.service';
import { lifecycleError } from '../lifecycle/lifecycle-errors';
import { lifecycleTable } from '../lifecycle/machine/lifecycle-table';
import { parseEventRequest } from './call-event.request';
import { presentAnswer } from './call.presenter';
import { isBody } from './create-call.request';

import { ApiErrors } from '../../http/openapi';
import { CallEventRequest, CallResponse, LifecycleTableResponse, RescheduleRequest } from './call.schema';

@ApiTags('call lifecycle')
@Controller('apps/api/v1')
export class CallEventsController {
  constructor(private readonly lifecycle: CallLifecycle) {}

  @Post('calls/:id/events')
  @HttpCode(200)
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ type: CallEventRequest, examples: { assign: { value: { type: 'assign', agent_email: 'alice@demo.example', event_id: 'evt-123' } } } })
  @ApiOkResponse({ type: CallResponse, description: 'The call as the event left it' })
  @ApiErrors(400, 401, 404, 409)
  async apply(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { answer, replayed } = await this.lifecycle.applyEvent(parseEventRequest(company.id, id, body));
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return presentAnswer(answer);
  }

  // Rescheduling a booked call: the machine's `reschedule`, through the same path.
  @Patch('calls/:id')
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ type: RescheduleRequest })
  @ApiOkResponse({ type: CallResponse })
  @ApiErrors(400, 401, 404, 409)
  async reschedule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    if (!isBody(body)) throw callError('bodyNotObject');
    const other = Object.keys(body).find((key) => key !== 'scheduled_at');
    if (other !== undefined) throw lifecycleError('onlyScheduledAtChanges', other);
    const { answer } = await this.lifecycle.applyEvent(parseEventRequest(company.id, id, { type: 'reschedule', scheduled_at: body.scheduled_at }));
    return presentAnswer(answer);
  }

  // The machine itself, as data: public, like the documentation it feeds.
  @Get('call-lifecycle')
  @ApiOkResponse({ type: LifecycleTableResponse })
  table() {
    return lifecycleTable();
  }
}
