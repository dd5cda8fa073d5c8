import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboundNumber } from './outbound-number.entity';
import { OutboundNumbersController } from './outbound-numbers.controller';
import { OutboundNumbersRepository } from './outbound-numbers.repository';
import { OutboundNumbersService } from './outbound-numbers.service';

// Outbound numbers of the Manager API. The Calls API reads them through
// OutboundNumbersRepository (listForCompany, findByE164, findDefault).
@Module({
  imports: [TypeOrmModule.forFeature([OutboundNumber])],
  controllers: [OutboundNumbersController],
  providers: [OutboundNumbersService, OutboundNumbersRepository],
  exports: [OutboundNumbersService, OutboundNumbersRepository],
})
export class OutboundNumbersModule {}
