import { Global, Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { EventLog } from './event-log';
import { EventRetention } from './event-retention';
import { EventSignals } from './event-signals';
import { OutgoingEvents } from './outgoing-events.service';

// The call event log as the engine's outbox: read in commit order
// (EventLog, OutgoingEvents), and every instance told when it grew
// (EventSignals). The webhooks and the live stream build on it.
@Global()
@Module({
  imports: [CallsModule],
  providers: [EventLog, OutgoingEvents, EventSignals, EventRetention],
  exports: [EventLog, OutgoingEvents, EventSignals, EventRetention],
})
export class EventsModule {}
