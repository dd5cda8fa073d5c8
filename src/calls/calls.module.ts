import { Module } from '@nestjs/common';
import { CallsController } from './calls.controller';
import { CallsRepository } from './calls.repository';
import { CallsService } from './calls.service';
import { CustomerFlagsService } from './customer-flags.service';
import { IdempotencyService } from './idempotency.service';
import { ManagerCallsController } from './manager-calls.controller';
import { PendingCallsRepository } from './pending-calls.repository';

@Module({
  controllers: [CallsController, ManagerCallsController],
  providers: [CallsService, CallsRepository, PendingCallsRepository, CustomerFlagsService, IdempotencyService],
  exports: [CallsService, CallsRepository],
})
export class CallsModule {}
