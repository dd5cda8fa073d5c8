import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database, Queryable } from '../../database/database';

// The choices still open on a pending outbound request (E.164 numbers).
export interface PendingChoices {
  end_user_number?: string[];
  outbound_number?: string[];
}

export interface PendingCallRow {
  id: string;
  request: Record<string, unknown>;
  choices: PendingChoices;
}

@Injectable()
export class PendingCallsRepository {
  constructor(private readonly db: Database) {}

  async insert(companyId: string, agentId: string, request: Record<string, unknown>, choices: PendingChoices): Promise<PendingCallRow> {
    const id = randomUUID();
    const [action, list] = firstChoice(choices);
    await this.db.query(
      `INSERT INTO pending_calls (id, company_id, agent_id, request, pending_action, choices)
       VALUES ($1, $2, $3, $4::jsonb || jsonb_build_object('all_choices', $5::jsonb), $6, $7)`,
      [id, companyId, agentId, JSON.stringify(request), JSON.stringify(choices), action, list],
    );
    return { id, request, choices };
  }

  async list(companyId: string, agentEmail: string | null): Promise<PendingCallRow[]> {
    const rows = await this.db.query<{ id: string; request: Record<string, unknown> }>(
      `SELECT p.id, p.request FROM pending_calls p JOIN agents a ON a.id = p.agent_id
        WHERE p.company_id = $1 AND ($2::text IS NULL OR lower(a.email) = lower($2::text))
        ORDER BY p.created_at, p.id`,
      [companyId, agentEmail],
    );
    return rows.map(toRow);
  }

  async update(on: Queryable, id: string, request: Record<string, unknown>, choices: PendingChoices): Promise<void> {
    const [action, list] = firstChoice(choices);
    await on.query(`UPDATE pending_calls SET request = $2::jsonb || jsonb_build_object('all_choices', $3::jsonb), pending_action = $4, choices = $5 WHERE id = $1`, [
      id,
      JSON.stringify(request),
      JSON.stringify(choices),
      action,
      list,
    ]);
  }

  // Locks the pending request for the work of `handle`, in one transaction:
  // two completions of one request never both place a call. Unless `handle`
  // keeps it, the request is removed in the same transaction.
  async withClaim<T>(companyId: string, id: string, handle: (row: PendingCallRow | null, tx: Queryable) => Promise<{ keep: boolean; result: T }>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
      const rows = valid ? await tx.query(`SELECT id, request FROM pending_calls WHERE company_id = $1 AND id = $2 FOR UPDATE`, [companyId, id]) : [];
      const { keep, result } = await handle(rows[0] ? toRow(rows[0]) : null, tx);
      if (!keep && rows[0]) await tx.query(`DELETE FROM pending_calls WHERE id = $1`, [id]);
      return result;
    });
  }
}

function toRow(row: { id: string; request: Record<string, unknown> }): PendingCallRow {
  const { all_choices, ...request } = row.request as { all_choices: PendingChoices };
  return { id: row.id, request, choices: all_choices ?? {} };
}

function firstChoice(choices: PendingChoices): [string, string[]] {
  if (choices.end_user_number) return ['select_end_user_number', choices.end_user_number];
  return ['select_outbound_number', choices.outbound_number ?? []];
}
