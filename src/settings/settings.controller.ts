import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { ApiErrors } from '../http/openapi';
import { OrganizationRow, SettingsRepository } from './settings.repository';

export class OrganizationSettingsResponse {
  @ApiProperty() id: number;
  @ApiProperty({ description: "The company's key (its CCAI subdomain)" }) key: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The default outbound number, if any' }) default_outbound_number: string | null;
  @ApiProperty({ description: 'Live menus' }) menus_count: number;
  @ApiProperty() agents_count: number;
}

// GET settings/organization: the company's settings. Pipelines call it to
// check their credentials before they read anything.
@ApiTags('manager: settings')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsRepository) {}

  @Get('organization')
  @ApiOkResponse({ type: OrganizationSettingsResponse })
  @ApiErrors(401)
  async organization(@CurrentCompany() company: AuthenticatedCompany): Promise<OrganizationSettingsResponse> {
    return presentOrganization(await this.settings.organization(company.id));
  }
}

function presentOrganization(row: OrganizationRow): OrganizationSettingsResponse {
  return { ...row, id: Number(row.id), created_at: new Date(row.created_at).toISOString() };
}
