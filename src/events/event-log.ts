import { Injectable } from '@nestjs/common';
import { recordedAnswer } from '../calls/lifecycle/call-locks';
import { Database } from '../database/database';
import type { EventRow } from './outgoing-event';

// The call event log read as the engine's outbox: a company's events in
// commit order, for the webhooks and the live stream.
//
// A row's position is (tx, id): the id of the transaction that wrote it
// (xid8) and its own id. Transaction ids are handed out as transactions
// start writing, not as they commit, so a reader only takes rows whose tx is
// below the oldest transaction still running (pg_snapshot_xmin): every
// transaction below that has ended, and no row can ever appear behind a
// position a reader has passed. The price: a transaction that stays open
// holds back every reader until it ends (keep transactions short).
export interface EventPosition {
  tx: string; // xid8, as text
  id: string;
}

export interface LoggedCallEvent extends EventRow {
  source: string;
}

export const START: EventPosition = { tx: '0', id: '0' };

// The row comparison is what lets PostgreSQL range-scan the position index
// (company_id, tx, id) from the cursor, also under a generic plan.
const READ_AFTER = `SELECT e.tx::text AS tx, e.id, e.call_id, e.seq, e.type, e.from_status, e.to_status, e.data, e.source, e.created_at,
       e.call_view, e.response, co.key AS company_key
  FROM call_events e JOIN companies co ON co.id = e.company_id
 WHERE e.company_id = $1 AND (e.tx, e.id) > ($2::xid8, $3::bigint)
   AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY e.tx, e.id
 LIMIT $4`;

@Injectable()
export class EventLog {
  constructor(private readonly db: Database) {}

  // Up to `limit` of the company's events after `after`, oldest first.
  async readAfter(companyId: string, after: EventPosition = START, limit = 100): Promise<LoggedCallEvent[]> {
    const rows = await this.db.query(READ_AFTER, [companyId, after.tx, after.id, limit]);
    return rows.map((row) => ({ ...eventRowOf(row), source: row.source }));
  }
}

// A log row read with the columns of READ_AFTER (the webhook worker reads the
// same columns) as the outgoing event's row.
export function eventRowOf(row: {
  tx: string;
  id: string | number;
  company_key: string;
  call_id: string | number;
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string;
  data: Record<string, unknown>;
  created_at: Date | string;
  call_view: unknown;
  response: unknown;
}): EventRow {
  return {
    position: { tx: row.tx, id: String(row.id) },
    companyKey: row.company_key,
    call: recordedAnswer(row),
    callId: String(row.call_id),
    seq: row.seq,
    type: row.type,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    data: row.data,
    createdAt: new Date(row.created_at),
  };
}
