import { Injectable } from '@nestjs/common';
import { insertRow, selectPage, selectRow, updateRow } from '../database/company-rows';
import { Database } from '../database/database';
import { AgentColumns, AgentRow, AGENTS } from './agent';

// All SQL on agents.
@Injectable()
export class AgentsRepository {
  constructor(private readonly db: Database) {}

  findById(companyId: string, id: string): Promise<AgentRow | null> {
    return selectRow(this.db, AGENTS, companyId, id);
  }

  list(companyId: string, offset: number, limit: number): Promise<[AgentRow[], number]> {
    return selectPage(this.db, AGENTS, { where: 'company_id = $1', values: [companyId], orderBy: 'id' }, { offset, limit });
  }

  insert(companyId: string, columns: AgentColumns): Promise<AgentRow> {
    return insertRow(this.db, AGENTS, companyId, columns);
  }

  update(companyId: string, id: string, columns: AgentColumns): Promise<AgentRow | null> {
    return updateRow(this.db, AGENTS, companyId, id, columns);
  }
}
