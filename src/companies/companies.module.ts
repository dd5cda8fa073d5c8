import { Global, Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminGuard } from './admin.guard';
import { CompaniesService } from './companies.service';
import { CompanyAuthGuard } from './company-auth.guard';

// Global so every feature module can guard its routes with CompanyAuthGuard.
@Global()
@Module({
  controllers: [AdminController],
  providers: [CompaniesService, CompanyAuthGuard, AdminGuard],
  exports: [CompaniesService, CompanyAuthGuard],
})
export class CompaniesModule {}
