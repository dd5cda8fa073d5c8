import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
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

@ApiTags('call lifecycle')
@Controller('apps/api/v1')
export class CallEventsController {
  constructor(private readonly lifecycle: CallLifecycle) {}

  @Post('calls/:id/events')
  @HttpCode(200)
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ schema: { type: 'object', example: { type: 'assign', agent_email: 'alice@demo.example', event_id: 'evt-123' } } })
  async apply(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { answer, replayed } = await this.lifecycle.applyEvent(parseEventRequest(company.id, id, body));
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return presentAnswer(answer);
  }

  // Rescheduling a booked call: the machine's `reschedule`, through the same path.
  @Patch('calls/:id')
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ schema: { type: 'object', example: { scheduled_at: '2030-01-01T10:00:00Z' } } })
  async reschedule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    if (!isBody(body)) throw callError('bodyNotObject');
    const other = Object.keys(body).find((key) => key !== 'scheduled_at');
    if (other !== undefined) throw lifecycleError('onlyScheduledAtChanges', other);
    const { answer } = await this.lifecycle.applyEvent(parseEventRequest(company.id, id, { type: 'reschedule', scheduled_at: body.scheduled_at }));
    return presentAnswer(answer);
  }

  // The machine itself, as data: public, like the documentation it feeds.
  @Get('call-lifecycle')
  table() {
    return lifecycleTable();
  }
}
