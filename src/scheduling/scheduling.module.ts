import { Module } from '@nestjs/common';
import { DueCallDispatcher } from './due-call-dispatcher';
import { DueCalls } from './due-calls';
import { ScheduledCallsController } from './scheduled-calls.controller';

@Module({
  controllers: [ScheduledCallsController],
  providers: [DueCalls, DueCallDispatcher],
  exports: [DueCallDispatcher],
})
export class SchedulingModule {}
