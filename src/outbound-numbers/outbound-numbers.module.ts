import { Module } from '@nestjs/common';
import { OutboundNumbersController } from './outbound-numbers.controller';
import { OutboundNumbersRepository } from './outbound-numbers.repository';
import { OutboundNumbersService } from './outbound-numbers.service';

// Outbound numbers of the Manager API. (The Calls API reads them with SQL
// of its own.)
@Module({
  controllers: [OutboundNumbersController],
  providers: [OutboundNumbersService, OutboundNumbersRepository],
})
export class OutboundNumbersModule {}
