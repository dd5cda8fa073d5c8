import { Global, Module } from '@nestjs/common';
import { CallChanges } from './call-changes';
import { EventLog } from './event-log';

// The call event log as the engine's outbox: read in commit order
// (EventLog), and this instance's commits announced (CallChanges).
@Global()
@Module({
  providers: [CallChanges, EventLog],
  exports: [CallChanges, EventLog],
})
export class EventsModule {}
