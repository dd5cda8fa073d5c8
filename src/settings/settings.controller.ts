import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { Database } from '../database/database';
import { ApiErrors } from '../http/openapi';

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
  constructor(private readonly db: Database) {}

  @Get('organization')
  @ApiOkResponse({ type: OrganizationSettingsResponse })
  @ApiErrors(401)
  async organization(@CurrentCompany() company: AuthenticatedCompany): Promise<OrganizationSettingsResponse> {
    const [row] = await this.db.query<{ id: string; key: string; name: string; created_at: Date; default_outbound_number: string | null; menus_count: number; agents_count: number }>(
      `SELECT c.id, c.key, c.name, c.created_at,
              (SELECT o.number FROM outbound_numbers o WHERE o.company_id = c.id AND o.is_default) AS default_outbound_number,
              (SELECT count(*)::int FROM menus m WHERE m.company_id = c.id AND NOT m.deleted) AS menus_count,
              (SELECT count(*)::int FROM agents a WHERE a.company_id = c.id) AS agents_count
         FROM companies c WHERE c.id = $1`,
      [company.id],
    );
    return { ...row, id: Number(row.id), created_at: new Date(row.created_at).toISOString() };
  }
}
