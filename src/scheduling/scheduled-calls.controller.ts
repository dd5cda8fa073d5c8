import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { DueCallDispatcher } from './due-call-dispatcher';
import { ApiErrors, DispatchResponse } from '../http/openapi';

// For deployments that drive scheduling from outside (a cron job): the same
// claim as the in-process loop, so both can run without doubles.
@ApiTags('scheduled calls')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('apps/api/v1/scheduled_calls')
export class ScheduledCallsController {
  constructor(private readonly dispatcher: DueCallDispatcher) {}

  @Post('dispatch')
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchResponse })
  @ApiErrors(401)
  async dispatch(@CurrentCompany() company: AuthenticatedCompany) {
    return { dispatched: await this.dispatcher.dispatchDueCalls(company.id) };
  }
}
