import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import { isBody } from '../call-request';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../../companies/company-auth.guard';
import { CallLifecycleService } from './call-lifecycle.service';
import { lifecycleTable } from './lifecycle-table';

@ApiTags('call lifecycle')
@Controller('apps/api/v1')
export class CallEventsController {
  constructor(private readonly lifecycle: CallLifecycleService) {}

  @Post('calls/:id/events')
  @HttpCode(200)
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ schema: { type: 'object', example: { type: 'assign', agent_email: 'alice@demo.example', event_id: 'evt-123' } } })
  async apply(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { call, replayed } = await this.lifecycle.applyClientEvent(company.id, id, body);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return call;
  }

  // Rescheduling a booked call: the machine's `reschedule`, through the same path.
  @Patch('calls/:id')
  @ApiBasicAuth()
  @UseGuards(CompanyAuthGuard)
  @ApiBody({ schema: { type: 'object', example: { scheduled_at: '2030-01-01T10:00:00Z' } } })
  async reschedule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    if (!isBody(body)) throw ApiError.badRequest('The request body must be a JSON object');
    const other = Object.keys(body).find((key) => key !== 'scheduled_at');
    if (other !== undefined) throw ApiError.badRequest(`${other} cannot be changed: only scheduled_at can`);
    const { call } = await this.lifecycle.applyClientEvent(company.id, id, { type: 'reschedule', scheduled_at: body.scheduled_at });
    return call;
  }

  // The machine itself, as data: public, like the documentation it feeds.
  @Get('call-lifecycle')
  table() {
    return lifecycleTable();
  }
}
