import { Injectable } from '@nestjs/common';
import { hasLiveChildren, isSelfOrDescendant, lockCompanyRows } from '../database/company-rows';
import { Database, Queryable } from '../database/database';
import { Transaction } from '../database/transaction';
import { TeamColumns, TeamRow, TEAM_COLUMNS } from './team';

// All SQL on teams and their members. Changes to a company's team tree run
// under its lock, as the menus' do.
@Injectable()
export class TeamsRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  lockTree(companyId: string, tx: Transaction): Promise<void> {
    return lockCompanyRows(tx, 'teams', companyId);
  }

  async findById(companyId: string, id: string, on: Queryable = this.db): Promise<TeamRow | null> {
    const [row] = await on.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.company_id = $1 AND t.id = $2`, [companyId, id]);
    return row ?? null;
  }

  async list(companyId: string, options: { includeDeleted: boolean; offset: number; limit: number }): Promise<[TeamRow[], number]> {
    const where = 't.company_id = $1 AND ($2::boolean OR NOT t.deleted)';
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE ${where} ORDER BY t.id LIMIT $3 OFFSET $4`, [companyId, options.includeDeleted, options.limit, options.offset]),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM teams t WHERE ${where}`, [companyId, options.includeDeleted]),
    ]);
    return [rows, total];
  }

  listLive(companyId: string): Promise<TeamRow[]> {
    return this.db.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.company_id = $1 AND NOT t.deleted ORDER BY t.position, t.id`, [companyId]);
  }

  async insert(companyId: string, columns: TeamColumns, tx: Queryable): Promise<string> {
    const [row] = await tx.query<{ id: string }>(`INSERT INTO teams (company_id, name, parent_id, position) VALUES ($1, $2, $3, coalesce($4, 0)) RETURNING id`, [
      companyId,
      columns.name,
      columns.parent_id ?? null,
      columns.position ?? null,
    ]);
    return row.id;
  }

  async update(companyId: string, id: string, columns: TeamColumns, tx: Queryable): Promise<void> {
    await tx.query(
      `UPDATE teams SET name = coalesce($3, name), position = coalesce($4, position),
              parent_id = CASE WHEN $5::boolean THEN $6::bigint ELSE parent_id END, updated_at = now()
        WHERE company_id = $1 AND id = $2`,
      [companyId, id, columns.name ?? null, columns.position ?? null, columns.parent_id !== undefined, columns.parent_id ?? null],
    );
  }

  // The ids among `agentIds` that are not agents of the company.
  async missingAgents(companyId: string, agentIds: number[], tx: Queryable): Promise<number[]> {
    const rows = await tx.query<{ id: string }>(`SELECT id FROM agents WHERE company_id = $1 AND id = ANY($2::bigint[])`, [companyId, agentIds]);
    const found = new Set(rows.map((r) => Number(r.id)));
    return agentIds.filter((id) => !found.has(id));
  }

  async setMembers(teamId: string, agentIds: number[], tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM team_members WHERE team_id = $1 AND agent_id <> ALL($2::bigint[])`, [teamId, agentIds]);
    await tx.query(`INSERT INTO team_members (team_id, agent_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [teamId, agentIds]);
  }

  // Whether `candidate` is `id` itself or one of its descendants.
  isSelfOrDescendant(companyId: string, id: string, candidate: string, tx: Queryable): Promise<boolean> {
    return isSelfOrDescendant(tx, 'teams', companyId, id, candidate);
  }

  hasLiveChildren(companyId: string, id: string, tx: Queryable): Promise<boolean> {
    return hasLiveChildren(tx, 'teams', companyId, id);
  }

  // A deleted team keeps its row (history) but loses its members and its
  // menu assignments.
  async markDeleted(companyId: string, id: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE teams SET deleted = true, updated_at = now() WHERE company_id = $1 AND id = $2`, [companyId, id]);
    await tx.query(`DELETE FROM team_members WHERE team_id = $1`, [id]);
    await tx.query(`DELETE FROM menu_team_assignments WHERE team_id = $1`, [id]);
  }
}
