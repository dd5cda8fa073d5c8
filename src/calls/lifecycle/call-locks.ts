// Reading and locking calls for the lifecycle. Every change of a call's
// status starts here: the call row locked (FOR UPDATE) and read with what the
// machine and the reducer need, in one statement.
import type { Transaction } from '../../database/transaction';
import type { CallViewRow } from '../call-view';
import type { CallProjection } from './machine/call-projection';

// A call row locked for an event, with what the machine and the reducer need.
export interface LockedCall extends CallProjection {
  id: string;
  company_id: string;
  parent_id: string | null;
  last_seq: number;
  clock: Date; // the database's clock when the lock was taken
}

// What was answered for an event with a dedupe key when it was first
// applied: the call's view as it left it (its log row's call_view), or
// (events recorded before the EventLogOutbox migration) the answer as it
// was presented then.
export type RecordedAnswer = { view: CallViewRow } | { presented: unknown };

export const LOCKED_CALL_COLUMNS = `
  c.id, c.company_id, c.parent_id, c.status, c.created_at, c.scheduled_at, c.queued_at, c.assigned_at, c.connected_at, c.ends_at,
  c.agent_id::int AS agent_id, c.menu_id::int AS menu_id, c.hold_ms::float8 AS hold_ms, c.hold_started_at, c.voip_provider,
  c.fail_reason, c.fail_details, c.disconnected_by, c.deflection, c.deflection_details, c.voicemail_reason, c.recording_url,
  jsonb_array_length(c.offer_events) AS offers, c.last_seq, clock_timestamp() AS clock,
  (SELECT json_build_object('to_agent_id', t.to_agent_id::int, 'to_menu_id', t.to_menu_id::int, 'from_agent_id', t.from_agent_id::int)
     FROM transfers t WHERE t.call_id = c.id AND t.status = 'transferring') AS open_transfer`;

// After waiting for a row lock the row is its latest version, but the
// statement's subqueries (the open transfer, a recorded answer) saw its
// older snapshot. `seen_seq` is last_seq as that snapshot saw it: when it
// differs, another event committed meanwhile and the row is read again.
const SEEN_SEQ = `(SELECT s.last_seq FROM calls s WHERE s.id = c.id) AS seen_seq`;
const ANSWER = `(SELECT json_build_object('call_view', e.call_view, 'response', e.response) FROM call_events e WHERE e.call_id = c.id AND e.event_id = $3) AS recorded`;

// Statements built once: a statement's name is a hash of its text.
const LOCK = (skipLocked: boolean) => `SELECT ${LOCKED_CALL_COLUMNS}, NULL::json AS recorded, ${SEEN_SEQ}
  FROM calls c WHERE c.company_id = $1 AND c.id = $2 FOR UPDATE OF c${skipLocked ? ' SKIP LOCKED' : ''}`;
const LOCK_KEYED = (skipLocked: boolean) => `SELECT ${LOCKED_CALL_COLUMNS}, ${ANSWER}, ${SEEN_SEQ}
  FROM calls c WHERE c.company_id = $1 AND c.id = $2 FOR UPDATE OF c${skipLocked ? ' SKIP LOCKED' : ''}`;
const STATEMENTS = {
  wait: LOCK(false),
  skip: LOCK(true),
  waitKeyed: LOCK_KEYED(false),
  skipKeyed: LOCK_KEYED(true),
};
const READ_AGAIN = `SELECT ${LOCKED_CALL_COLUMNS}, ${ANSWER} FROM calls c WHERE c.company_id = $1 AND c.id = $2`;
const LOCK_MANY = `SELECT ${LOCKED_CALL_COLUMNS}, ${SEEN_SEQ}
  FROM calls c WHERE c.id = ANY($1::bigint[]) ORDER BY c.id FOR UPDATE OF c SKIP LOCKED`;
const READ_MANY_AGAIN = `SELECT ${LOCKED_CALL_COLUMNS} FROM calls c WHERE c.id = ANY($1::bigint[])`;
const RECORDED_ANSWERS = `SELECT e.call_id, e.event_id, e.call_view, e.response
  FROM call_events e JOIN unnest($1::bigint[], $2::text[]) AS k (call_id, event_id) ON e.call_id = k.call_id AND e.event_id = k.event_id`;
const LOCK_PARENT = `SELECT ${LOCKED_CALL_COLUMNS}, ${SEEN_SEQ} FROM calls c WHERE c.id = $1 FOR UPDATE OF c`;

export type LockMode = 'wait' | 'skip';

// Locks one call of the company and reads it; with a dedupe key, also what
// was answered when an event with that key was first applied. `skip`: a
// call another transaction holds answers null, as a missing one does.
export async function lockCall(
  tx: Transaction,
  companyId: string,
  callId: string,
  options: { dedupeKey: string | null; mode: LockMode },
): Promise<{ call: LockedCall; recorded: RecordedAnswer | null } | null> {
  const keyed = options.dedupeKey !== null;
  const text = keyed ? (options.mode === 'wait' ? STATEMENTS.waitKeyed : STATEMENTS.skipKeyed) : STATEMENTS[options.mode];
  const params = keyed ? [companyId, callId, options.dedupeKey] : [companyId, callId];
  const [row] = await tx.query(text, params);
  if (!row) return null;
  const fresh = row.seen_seq === row.last_seq ? row : (await tx.query(READ_AGAIN, [companyId, callId, options.dedupeKey]))[0];
  return { call: toLockedCall(fresh), recorded: recordedAnswer(fresh.recorded) };
}

// Locks calls by id (in id order) and reads them, whatever their company
// (the caller checks it). Calls another transaction holds are skipped, not
// waited for. With dedupe keys, what was answered for each (call, key)
// already applied comes back too, read after the locks were taken.
export async function lockCalls(
  tx: Transaction,
  ids: string[],
  keys: Array<{ callId: string; dedupeKey: string }> = [],
): Promise<{ calls: Map<string, LockedCall>; recorded: Map<string, RecordedAnswer> }> {
  let answers: Promise<Array<{ call_id: string; event_id: string; call_view: unknown; response: unknown }>> | undefined;
  let rows: Array<Record<string, any>>;
  if (keys.length === 0) {
    rows = await tx.query(LOCK_MANY, [ids]);
  } else {
    // Sent in one flight, the answers statement after the lock: it sees
    // every event committed on the calls before their locks were taken.
    const locked = tx.deferQuery(LOCK_MANY, [ids]);
    answers = tx.query(RECORDED_ANSWERS, [keys.map((k) => k.callId), keys.map((k) => k.dedupeKey)]);
    rows = await locked;
  }
  const stale = rows.filter((row) => row.seen_seq !== row.last_seq).map((row) => row.id);
  const fresh = stale.length === 0 ? [] : await tx.query(READ_MANY_AGAIN, [stale]);
  const calls = new Map<string, LockedCall>();
  for (const row of [...rows, ...fresh]) calls.set(String(row.id), toLockedCall(row));
  const recorded = new Map<string, RecordedAnswer>();
  for (const row of answers ? await answers : []) {
    recorded.set(answerKey(String(row.call_id), row.event_id), recordedAnswer({ call_view: row.call_view, response: row.response })!);
  }
  return { calls, recorded };
}

export const answerKey = (callId: string, dedupeKey: string) => `${callId}\u0000${dedupeKey}`;

// The parent of a callback, locked after the callback (lock order call → parent).
export async function lockParent(tx: Transaction, parentId: string): Promise<LockedCall | null> {
  const [row] = await tx.query(LOCK_PARENT, [parentId]);
  if (!row) return null;
  if (row.seen_seq === row.last_seq) return toLockedCall(row);
  const [fresh] = await tx.query(READ_MANY_AGAIN, [[parentId]]);
  return toLockedCall(fresh);
}

// What a log row says its event answered: its call_view, else (rows before
// the EventLogOutbox migration) its presented response, else nothing.
export function recordedAnswer(value: { call_view: unknown; response: unknown } | null | undefined): RecordedAnswer | null {
  if (!value) return null;
  if (value.call_view !== null && value.call_view !== undefined) return { view: value.call_view as CallViewRow };
  if (value.response !== null && value.response !== undefined) return { presented: value.response };
  return null;
}

export function toLockedCall(row: Record<string, any>): LockedCall {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: String(row.id),
    company_id: String(row.company_id),
    parent_id: row.parent_id === null ? null : String(row.parent_id),
    status: row.status,
    created_at: new Date(row.created_at),
    scheduled_at: date(row.scheduled_at),
    queued_at: date(row.queued_at),
    assigned_at: date(row.assigned_at),
    connected_at: date(row.connected_at),
    ends_at: date(row.ends_at),
    agent_id: row.agent_id,
    menu_id: row.menu_id,
    hold_ms: Number(row.hold_ms),
    hold_started_at: date(row.hold_started_at),
    voip_provider: row.voip_provider,
    fail_reason: row.fail_reason,
    fail_details: row.fail_details,
    disconnected_by: row.disconnected_by,
    deflection: row.deflection,
    deflection_details: row.deflection_details,
    voicemail_reason: row.voicemail_reason,
    recording_url: row.recording_url,
    offers: Number(row.offers),
    open_transfer: row.open_transfer ? { to_agent_id: row.open_transfer.to_agent_id, to_menu_id: row.open_transfer.to_menu_id } : null,
    last_seq: Number(row.last_seq),
    clock: new Date(row.clock),
  };
}
