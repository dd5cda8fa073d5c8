import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { EventPosition } from '../events/event-log';

// Whether a reader may resume after a position: the position names an
// event of the company, and the first event after it (if any) still has its
// payload and is younger than the retention. Retention empties payloads in
// about log order, so when the next one is there, the rest are too (a reader
// that still meets an emptied one says so then: live-stream.ts).
export type ResumePoint = 'resumable' | 'not_found' | 'past_retention';

const RESUME_POINT = `SELECT EXISTS (SELECT 1 FROM call_events WHERE company_id = $1 AND tx = $2::xid8 AND id = $3::bigint) AS found,
       (SELECT e.created_at < $4::timestamptz OR (e.call_view IS NULL AND e.response IS NULL)
          FROM call_events e
         WHERE e.company_id = $1 AND (e.tx, e.id) > ($2::xid8, $3::bigint)
         ORDER BY e.tx, e.id LIMIT 1) AS next_gone`;

// The company's last readable position: what a stream that starts live (or
// after a reset) reads after. Every row not readable yet has a tx at or above
// the oldest running transaction, so it sorts after this one.
const TAIL = `SELECT tx::text AS tx, id::text AS id FROM call_events
  WHERE company_id = $1 AND tx < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY tx DESC, id DESC LIMIT 1`;

// Where the retained part of the log begins, about: the transaction of the
// first row retention has not passed yet (event-retention.ts keeps the
// cursor). Read through the primary key, so it costs the same however long
// the history behind it is.
const RETAINED_FROM = `SELECT e.tx::text AS tx FROM call_events e
  WHERE e.id > coalesce((SELECT swept_to FROM event_retention), 0)
  ORDER BY e.id LIMIT 1`;

@Injectable()
export class LiveRepository {
  constructor(private readonly db: Database) {}

  async agentIdByEmail(companyId: string, email: string): Promise<string | null> {
    const rows = await this.db.query(`SELECT id::text AS id FROM agents WHERE company_id = $1 AND lower(email) = lower($2)`, [companyId, email]);
    return rows[0]?.id ?? null;
  }

  // The agent each call is assigned to now: one statement per page of events.
  async currentAgents(companyId: string, callIds: readonly number[]): Promise<Map<string, string | null>> {
    const rows = await this.db.query(`SELECT id::text AS id, agent_id::text AS agent_id FROM calls WHERE company_id = $1 AND id = ANY($2::bigint[])`, [companyId, callIds]);
    return new Map(rows.map((row) => [row.id as string, row.agent_id as string | null]));
  }

  // `horizon`: events created before it are past the retention.
  async resumePoint(companyId: string, position: EventPosition, horizon: Date): Promise<ResumePoint> {
    const [row] = await this.db.query(RESUME_POINT, [companyId, position.tx, position.id, horizon]);
    if (!row.found) return 'not_found';
    return row.next_gone === true ? 'past_retention' : 'resumable';
  }

  async tail(companyId: string): Promise<EventPosition | null> {
    const [row] = await this.db.query(TAIL, [companyId]);
    return row ? { tx: row.tx, id: row.id } : null;
  }

  // A position just before the retained part of the log (null: the start).
  async retainedFrom(): Promise<EventPosition | null> {
    const [row] = await this.db.query(RETAINED_FROM);
    return row ? { tx: row.tx, id: '0' } : null;
  }
}
