import { Controller, Get, Headers, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { EventFeed } from './event-feed';
import { LiveStreams } from './live-stream';
import { ApiErrors, OutgoingEventResponse } from '../http/openapi';

// The outgoing events for agent desktops and pipelines (shared spec
// events-api.md, "The live stream"): Server-Sent Events, and the same events
// as a list for those that poll.
@ApiTags('events')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('apps/api/v1')
export class EventsController {
  constructor(
    private readonly feed: EventFeed,
    private readonly live: LiveStreams,
  ) {}

  // Every 4xx is answered before the stream starts; then the response is
  // Fastify's no more (hijacked) and LiveStreams writes it until the client
  // goes away or the instance shuts down.
  @Get('events/stream')
  @ApiQuery({ name: 'call_id', required: false })
  @ApiQuery({ name: 'agent_email', required: false })
  @ApiQuery({ name: 'types', required: false, description: 'comma list, e.g. call.assign,call.hangup' })
  @ApiQuery({ name: 'after', required: false, description: 'an event id (Last-Event-ID wins)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({ description: 'Server-Sent Events: id, event (its type), data (the event JSON, as GET /events answers each)', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors(400, 401)
  async stream(
    @CurrentCompany() company: AuthenticatedCompany,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const start = await this.feed.streamStart(company.id, query, lastEventId);
    reply.hijack();
    this.live.open(company.id, start, reply.raw, { 'x-request-id': String(request.id) });
  }

  @Get('events')
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiOkResponse({ type: [OutgoingEventResponse], description: 'Oldest first' })
  @ApiErrors(400, 401, 410)
  list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>) {
    return this.feed.list(company.id, query);
  }
}
