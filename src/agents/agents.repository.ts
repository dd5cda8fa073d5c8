import { Injectable } from '@nestjs/common';
import { insertRow, selectRow, updateRow } from '../database/company-rows';
import { Database } from '../database/database';
import type { ListQuery } from '../common/list-query';
import { AgentColumns, AgentRow, AGENTS, AgentSortColumn } from './agent';

// All SQL on agents.
@Injectable()
export class AgentsRepository {
  constructor(private readonly db: Database) {}

  findById(companyId: string, id: string): Promise<AgentRow | null> {
    return selectRow(this.db, AGENTS, companyId, id);
  }

  // A page in the asked order (id breaks ties, so pages never overlap),
  // filtered on status_updated_at / created_at (inclusive; times are shown
  // to the millisecond, so `to` takes the whole millisecond it names).
  async list(companyId: string, query: ListQuery<AgentSortColumn>): Promise<[AgentRow[], number]> {
    const { status_updated_at: statusUpdated, created_at: created } = query.ranges;
    const where = `company_id = $1 AND ($2::timestamptz IS NULL OR status_updated_at >= $2) AND ($3::timestamptz IS NULL OR status_updated_at < $3 + interval '1 millisecond')
      AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5 + interval '1 millisecond')`;
    const values = [companyId, statusUpdated?.from ?? null, statusUpdated?.to ?? null, created?.from ?? null, created?.to ?? null];
    // The column and direction come from the parser's closed lists.
    const order = `${query.sortColumn} ${query.sortDirection}, id ${query.sortDirection}`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<AgentRow>(`SELECT ${AGENTS.columns} FROM agents WHERE ${where} ORDER BY ${order} LIMIT $6 OFFSET $7`, [...values, query.page.per, query.page.offset]),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM agents WHERE ${where}`, values),
    ]);
    return [rows, total];
  }

  insert(companyId: string, columns: AgentColumns): Promise<AgentRow> {
    return insertRow(this.db, AGENTS, companyId, columns as Record<string, unknown>);
  }

  update(companyId: string, id: string, columns: AgentColumns): Promise<AgentRow | null> {
    return updateRow(this.db, AGENTS, companyId, id, columns as Record<string, unknown>);
  }
}
