import { Injectable } from '@nestjs/common';
import { insertRow, selectPage, updateRow } from '../database/company-rows';
import { Database, Queryable } from '../database/database';
import { UserStatusColumns, UserStatusRow, USER_STATUSES } from './user-status';

// All SQL on user statuses. A deleted custom status stays (activity logs
// point at it) but is no longer listed or found.
@Injectable()
export class UserStatusesRepository {
  constructor(private readonly db: Database) {}

  async findLive(companyId: string, id: string, on: Queryable = this.db): Promise<UserStatusRow | null> {
    const [row] = await on.query<UserStatusRow>(`SELECT ${USER_STATUSES.columns} FROM user_statuses WHERE company_id = $1 AND id = $2 AND NOT deleted`, [companyId, id]);
    return row ?? null;
  }

  list(companyId: string, offset: number, limit: number): Promise<[UserStatusRow[], number]> {
    return selectPage(this.db, USER_STATUSES, { where: 'company_id = $1 AND NOT deleted', values: [companyId], orderBy: 'id' }, { offset, limit });
  }

  insert(companyId: string, columns: UserStatusColumns): Promise<UserStatusRow> {
    return insertRow(this.db, USER_STATUSES, companyId, columns);
  }

  update(companyId: string, id: string, columns: UserStatusColumns): Promise<UserStatusRow | null> {
    return updateRow(this.db, USER_STATUSES, companyId, id, columns);
  }

  // Agents in the status go back to the built-in status of their
  // availability (a status change, logged), then the status is marked deleted.
  async delete(companyId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE agents SET user_status_id = NULL, updated_at = now() WHERE company_id = $1 AND user_status_id = $2`, [companyId, id]);
      await tx.query(`UPDATE user_statuses SET deleted = true, updated_at = now() WHERE company_id = $1 AND id = $2`, [companyId, id]);
    });
  }
}
