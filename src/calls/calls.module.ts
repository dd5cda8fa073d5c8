import { Module } from '@nestjs/common';
import { CallChanges } from './call-changes';
import { CallReads } from './call-reads.service';
import { CallsRepository } from './calls.repository';
import { CallEventsController } from './ccai/call-events.controller';
import { CallsController } from './ccai/calls.controller';
import { IdempotencyService } from './ccai/idempotency.service';
import { ManagerCallsController } from './ccai/manager-calls.controller';
import { CallCreation } from './creation/call-creation.service';
import { PendingCallsRepository } from './creation/pending-calls.repository';
import { CustomerFlagsService } from './customer-flags.service';
import { CallLifecycle } from './lifecycle/call-lifecycle.service';
import { CallExpiry } from './expiry/call-expiry';

// Calls: the engine's core (creation/, lifecycle/, reads, customer flags,
// expiry/ of stuck calls) and the CCAI surface over it (ccai/).
@Module({
  controllers: [CallsController, ManagerCallsController, CallEventsController],
  providers: [CallChanges, CallCreation, CallReads, CallsRepository, PendingCallsRepository, CustomerFlagsService, IdempotencyService, CallLifecycle, CallExpiry],
  exports: [CallChanges, CallCreation, CallReads, CallLifecycle],
})
export class CallsModule {}
