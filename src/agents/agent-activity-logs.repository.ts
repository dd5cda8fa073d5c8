import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { ListQuery } from '../common/list-query';
import { agentRefJson } from '../teams/team';

export const ACTIVITY_SORT_COLUMNS = ['started_at', 'id'] as const;
export type ActivitySortColumn = (typeof ACTIVITY_SORT_COLUMNS)[number];

export interface ActivityLogRow {
  id: string;
  agent_id: string;
  activity: 'status' | 'call';
  call_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  status: { id: number; name: string; color: string; wfm_id: number | null } | null;
  whodunnit: Record<string, unknown>;
}

export interface ActivityLogFilter {
  agentId?: string;
  callId?: string;
}

// Reads of agent_activity_logs. The rows are written by triggers (the
// ManagerRecords migration) in the transaction of each change.
@Injectable()
export class AgentActivityLogsRepository {
  constructor(private readonly db: Database) {}

  async list(companyId: string, query: ListQuery<ActivitySortColumn>, filter: ActivityLogFilter): Promise<[ActivityLogRow[], number]> {
    const started = query.ranges.started_at;
    const where = `l.company_id = $1 AND ($2::timestamptz IS NULL OR l.started_at >= $2) AND ($3::timestamptz IS NULL OR l.started_at < $3 + interval '1 millisecond')
      AND ($4::bigint IS NULL OR l.agent_id = $4) AND ($5::bigint IS NULL OR l.call_id = $5)`;
    const values = [companyId, started?.from ?? null, started?.to ?? null, filter.agentId ?? null, filter.callId ?? null];
    const order = `l.${query.sortColumn} ${query.sortDirection}, l.id ${query.sortDirection}`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<ActivityLogRow>(
        `SELECT l.id, l.agent_id, l.activity, l.call_id, l.started_at, l.ended_at,
                CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name, 'color', s.color, 'wfm_id', s.wfm_id) END AS status,
                ${agentRefJson('a')} AS whodunnit
           FROM agent_activity_logs l JOIN agents a ON a.id = l.agent_id LEFT JOIN user_statuses s ON s.id = l.status_id
          WHERE ${where} ORDER BY ${order} LIMIT $6 OFFSET $7`,
        [...values, query.page.per, query.page.offset],
      ),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM agent_activity_logs l WHERE ${where}`, values),
    ]);
    return [rows, total];
  }
}
