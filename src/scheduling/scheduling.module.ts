import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { DueCallDispatcher } from './due-call-dispatcher';
import { DueCalls } from './due-calls';
import { ScheduledCallsController } from './scheduled-calls.controller';

@Module({
  imports: [CallsModule],
  controllers: [ScheduledCallsController],
  providers: [DueCalls, DueCallDispatcher],
  exports: [DueCallDispatcher],
})
export class SchedulingModule {}
