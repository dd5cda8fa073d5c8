import { Module } from '@nestjs/common';
import { EventFeed } from './event-feed';
import { EventsController } from './events.controller';
import { LiveStreams } from './live-stream';
import { LiveRepository } from './live.repository';

// The live stream (SSE) and the polling list of outgoing events, on the
// event log as outbox (EventsModule, global: OutgoingEvents, EventSignals).
@Module({
  controllers: [EventsController],
  providers: [LiveRepository, EventFeed, LiveStreams],
  exports: [LiveStreams],
})
export class LiveModule {}
