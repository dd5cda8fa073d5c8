import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

export interface OrganizationRow {
  id: string;
  key: string;
  name: string;
  created_at: Date;
  default_outbound_number: string | null;
  menus_count: number;
  agents_count: number;
}

@Injectable()
export class SettingsRepository {
  constructor(private readonly db: Database) {}

  async organization(companyId: string): Promise<OrganizationRow> {
    const [row] = await this.db.query<OrganizationRow>(
      `SELECT c.id, c.key, c.name, c.created_at,
              (SELECT o.number FROM outbound_numbers o WHERE o.company_id = c.id AND o.is_default) AS default_outbound_number,
              (SELECT count(*)::int FROM menus m WHERE m.company_id = c.id AND NOT m.deleted) AS menus_count,
              (SELECT count(*)::int FROM agents a WHERE a.company_id = c.id) AS agents_count
         FROM companies c WHERE c.id = $1`,
      [companyId],
    );
    return row;
  }
}
