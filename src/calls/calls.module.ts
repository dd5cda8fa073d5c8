import { Module } from '@nestjs/common';
import { CallsController } from './calls.controller';
import { CallsRepository } from './calls.repository';
import { CallsService } from './calls.service';
import { CustomerFlagsService } from './customer-flags.service';
import { IdempotencyService } from './idempotency.service';
import { CallEventsController } from './lifecycle/call-events.controller';
import { CallLifecycleService } from './lifecycle/call-lifecycle.service';
import { ManagerCallsController } from './manager-calls.controller';
import { PendingCallsRepository } from './pending-calls.repository';

@Module({
  controllers: [CallsController, ManagerCallsController, CallEventsController],
  providers: [CallsService, CallsRepository, PendingCallsRepository, CustomerFlagsService, IdempotencyService, CallLifecycleService],
  exports: [CallsService, CallsRepository, CallLifecycleService],
})
export class CallsModule {}
