import { Global, Module } from '@nestjs/common';
import { AdminGuard } from '../companies/admin.guard';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics, AdminGuard],
  exports: [Metrics],
})
export class MetricsModule {}
