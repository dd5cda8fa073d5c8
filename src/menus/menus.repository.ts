import { Injectable } from '@nestjs/common';
import { hasLiveChildren, insertRow, isSelfOrDescendant, lockCompanyRows, selectPage, selectRow, updateRow } from '../database/company-rows';
import { Database, Queryable } from '../database/database';
import { Transaction } from '../database/transaction';
import { MenuColumns, MenuRow, MENUS } from './menu';

// All SQL on menus. Changes to a company's tree run in a transaction
// (`transaction`) under its lock (`lockTree`), and take it as their last
// argument.
@Injectable()
export class MenusRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // Serialises changes to one company's menu tree (create, re-parent, type
  // change, delete) until the transaction ends, so that no concurrent pair of
  // them can make a cycle, a child under a deleted parent, or a child whose
  // menu_type differs from its parent's.
  lockTree(companyId: string, tx: Transaction): Promise<void> {
    return lockCompanyRows(tx, 'menus', companyId);
  }

  // Any menu of the company, deleted ones included.
  findById(companyId: string, id: string, on: Queryable = this.db): Promise<MenuRow | null> {
    return selectRow(on, MENUS, companyId, id);
  }

  async findLive(companyId: string, id: string, tx: Queryable): Promise<MenuRow | null> {
    const [row] = await tx.query<MenuRow>(`SELECT ${MENUS.columns} FROM menus WHERE company_id = $1 AND id = $2 AND NOT deleted`, [companyId, id]);
    return row ?? null;
  }

  list(companyId: string, options: { includeDeleted: boolean; offset: number; limit: number }): Promise<[MenuRow[], number]> {
    const filter = { where: 'company_id = $1 AND ($2::boolean OR NOT deleted)', values: [companyId, options.includeDeleted], orderBy: 'id' };
    return selectPage(this.db, MENUS, filter, options);
  }

  // Every live menu of the company, in tree order within a parent.
  listLive(companyId: string): Promise<MenuRow[]> {
    return this.db.query<MenuRow>(`SELECT ${MENUS.columns} FROM menus WHERE company_id = $1 AND NOT deleted ORDER BY position, id`, [companyId]);
  }

  // Whether `candidate` is `id` itself or one of its descendants.
  isSelfOrDescendant(companyId: string, id: string, candidate: string, tx: Queryable): Promise<boolean> {
    return isSelfOrDescendant(tx, MENUS.name, companyId, id, candidate);
  }

  hasLiveChildren(companyId: string, id: string, tx: Queryable): Promise<boolean> {
    return hasLiveChildren(tx, MENUS.name, companyId, id);
  }

  // `business_hours` travels as JSON (pg sends an object as its JSON text).
  insert(companyId: string, columns: MenuColumns, tx: Queryable): Promise<MenuRow> {
    return insertRow(tx, MENUS, companyId, columns);
  }

  update(companyId: string, id: string, columns: MenuColumns, tx: Queryable): Promise<MenuRow | null> {
    return updateRow(tx, MENUS, companyId, id, columns);
  }

  async missingAgents(companyId: string, ids: number[], tx: Queryable): Promise<number[]> {
    const rows = await tx.query<{ id: string }>(`SELECT id FROM agents WHERE company_id = $1 AND id = ANY($2::bigint[])`, [companyId, ids]);
    const found = new Set(rows.map((r) => Number(r.id)));
    return ids.filter((id) => !found.has(id));
  }

  async missingTeams(companyId: string, ids: number[], tx: Queryable): Promise<number[]> {
    const rows = await tx.query<{ id: string }>(`SELECT id FROM teams WHERE company_id = $1 AND id = ANY($2::bigint[]) AND NOT deleted`, [companyId, ids]);
    const found = new Set(rows.map((r) => Number(r.id)));
    return ids.filter((id) => !found.has(id));
  }

  async setAgents(menuId: string, agentIds: number[], tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM menu_agent_assignments WHERE menu_id = $1 AND agent_id <> ALL($2::bigint[])`, [menuId, agentIds]);
    await tx.query(`INSERT INTO menu_agent_assignments (menu_id, agent_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [menuId, agentIds]);
  }

  async setTeams(menuId: string, teamIds: number[], tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM menu_team_assignments WHERE menu_id = $1 AND team_id <> ALL($2::bigint[])`, [menuId, teamIds]);
    await tx.query(`INSERT INTO menu_team_assignments (menu_id, team_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [menuId, teamIds]);
  }

  async markDeleted(companyId: string, id: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE menus SET deleted = true, updated_at = now() WHERE company_id = $1 AND id = $2`, [companyId, id]);
  }
}
