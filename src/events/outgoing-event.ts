// The outgoing event (shared spec events-api.md): one per row of a call's
// event log, with the call as that event left it, for the webhooks and the
// live stream.
import { presentAnswer } from '../calls/ccai/call.presenter';
import type { RecordedAnswer } from '../calls/lifecycle/call-locks';
import { CALL_EVENT_TYPES } from '../calls/lifecycle/machine/call.machine';
import type { EventPosition } from './event-log';

// `call.created` for a call's first row, else `call.<event type>`.
export const OUTGOING_EVENT_TYPES: readonly string[] = ['call.created', ...CALL_EVENT_TYPES.map((type) => `call.${type}`)];

export interface OutgoingEvent {
  id: string;
  type: string;
  created_at: string;
  company: string;
  data: {
    call_id: number;
    seq: number;
    event: Record<string, unknown>;
    status: string;
    previous_status: string | null;
    call: unknown;
  };
}

// An event id: `evt_` and the log position (tx, id), each as 20 digits, so
// that ids sort as positions do: in commit order within a company.
const EVENT_ID = /^evt_(\d{20})(\d{20})$/;

export function eventIdOf(position: EventPosition): string {
  return `evt_${position.tx.padStart(20, '0')}${position.id.padStart(20, '0')}`;
}

// The position an event id names, or null when it is not one.
export function positionOf(eventId: string): EventPosition | null {
  const m = EVENT_ID.exec(eventId);
  if (!m) return null;
  const strip = (digits: string) => digits.replace(/^0+(?=\d)/, '');
  return { tx: strip(m[1]), id: strip(m[2]) };
}

export interface EventRow {
  position: EventPosition;
  companyKey: string;
  callId: string;
  seq: number;
  type: string;
  fromStatus: string | null;
  toStatus: string;
  data: Record<string, unknown>;
  createdAt: Date;
  // The call as the event left it; null once retention emptied it (or for
  // rows written before the CallViews migration that carried no answer).
  call: RecordedAnswer | null;
}

// An outgoing event's type from its log row's: `call.created` for a call's
// first row, else `call.<event type>`; in JS, and in SQL for readers that
// filter by type in the database (the webhook streams).
export const outgoingEventType = (rowType: string) => (rowType === 'created' ? 'call.created' : `call.${rowType}`);
export const outgoingEventTypeSql = (column: string) => `CASE WHEN ${column} = 'created' THEN 'call.created' ELSE 'call.' || ${column} END`;

export function outgoingEvent(row: EventRow): OutgoingEvent {
  return {
    id: eventIdOf(row.position),
    type: outgoingEventType(row.type),
    created_at: row.createdAt.toISOString(),
    company: row.companyKey,
    data: {
      call_id: Number(row.callId),
      seq: row.seq,
      event: { type: row.type, ...row.data },
      status: row.toStatus,
      previous_status: row.fromStatus,
      call: row.call === null ? null : presentAnswer(row.call),
    },
  };
}
