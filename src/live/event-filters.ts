import type { EventPosition } from '../events/event-log';
import { OUTGOING_EVENT_TYPES, OutgoingEvent, positionOf } from '../events/outgoing-event';
import { liveError } from './live-errors';

// The query of the live stream and of the polling list (shared spec
// events-api.md, "The live stream"), checked before anything is sent.

export interface EventFilter {
  callId: number | null;
  agentId: string | null; // resolved from agent_email
  types: ReadonlySet<string> | null; // null: every type
}

export interface StreamQuery {
  filter: EventFilter;
  agentEmail: string | null; // to resolve into filter.agentId
  after: { id: string; position: EventPosition } | null;
}

export const LIST_LIMIT_MAX = 1000;
export const LIST_LIMIT_DEFAULT = 100;

const KNOWN_TYPES = new Set(OUTGOING_EVENT_TYPES);

type Query = Record<string, unknown>;

// The stream's query and its Last-Event-ID header. The header wins over
// `after=`: a browser's EventSource reconnects to the same URL (with the
// `after` it was opened with) and sends the id of the last event it got.
export function parseStreamQuery(query: Query, lastEventId: string | string[] | undefined): StreamQuery {
  const header = Array.isArray(lastEventId) ? lastEventId : lastEventId === undefined ? [] : [lastEventId];
  if (header.length > 1) throw liveError('parameterOnce', 'Last-Event-ID');
  const fromHeader = header.length === 1 && header[0].trim() !== '' ? parseEventId(header[0].trim(), 'Last-Event-ID') : null;
  const fromQuery = parseAfter(query);
  return { ...parseFilter(query), after: fromHeader ?? fromQuery };
}

export function parseListQuery(query: Query): { after: StreamQuery['after']; limit: number } {
  const limit = single(query, 'limit');
  let n = LIST_LIMIT_DEFAULT;
  if (limit !== undefined && limit !== '') {
    if (!/^\d{1,7}$/.test(limit) || Number(limit) < 1 || Number(limit) > LIST_LIMIT_MAX) throw liveError('limitOutOfRange', LIST_LIMIT_MAX);
    n = Number(limit);
  }
  return { after: parseAfter(query), limit: n };
}

function parseFilter(query: Query): Omit<StreamQuery, 'after'> {
  const callId = single(query, 'call_id');
  if (callId !== undefined && (!/^[1-9]\d{0,15}$/.test(callId) || !Number.isSafeInteger(Number(callId)))) throw liveError('callIdNotWellFormed');
  const agentEmail = single(query, 'agent_email');
  if (agentEmail !== undefined && agentEmail.trim() === '') throw liveError('agentEmailNotWellFormed');
  return {
    filter: { callId: callId === undefined ? null : Number(callId), agentId: null, types: parseTypes(query.types) },
    agentEmail: agentEmail === undefined ? null : agentEmail.trim(),
  };
}

// `types=call.assign,call.hangup` (also given more than once); empty items
// are ignored, and no item at all means every type.
function parseTypes(value: unknown): ReadonlySet<string> | null {
  if (value === undefined) return null;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((t) => t.trim()).filter((t) => t !== '');
  if (parts.length === 0) return null;
  for (const type of parts) if (!KNOWN_TYPES.has(type)) throw liveError('typeUnknown', type, OUTGOING_EVENT_TYPES);
  return new Set(parts);
}

function parseAfter(query: Query): StreamQuery['after'] {
  const after = single(query, 'after');
  return after === undefined || after === '' ? null : parseEventId(after, 'after');
}

// An id that names no possible position (tx beyond xid8, id beyond bigint)
// is as malformed as one of the wrong shape.
const MAX_TX = 2n ** 64n - 1n;
const MAX_ID = 2n ** 63n - 1n;

function parseEventId(id: string, name: string): NonNullable<StreamQuery['after']> {
  const position = positionOf(id);
  if (!position || BigInt(position.tx) > MAX_TX || BigInt(position.id) > MAX_ID) throw liveError('eventIdNotWellFormed', name);
  return { id, position };
}

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw liveError('parameterOnce', name);
  return String(value);
}

// Whether a stream with `filter` shows `event`. `currentAgents`: the agent
// each call of the page is assigned to now (read once per page, only when a
// filter names an agent). "Assigned to that agent, now or at the event":
// now is the call's agent_id; at the event, the call as the event left it
// (its agent, or a participant that is the agent).
export function matches(filter: EventFilter, event: OutgoingEvent, currentAgents: ReadonlyMap<string, string | null>): boolean {
  if (filter.types && !filter.types.has(event.type)) return false;
  if (filter.callId !== null && event.data.call_id !== filter.callId) return false;
  if (filter.agentId !== null) {
    const agentId = filter.agentId;
    if (currentAgents.get(String(event.data.call_id)) === agentId) return true;
    const call = event.data.call as { agent_info?: { id?: unknown } | null; participants?: Array<{ user_id?: unknown }> } | null;
    if (call?.agent_info?.id !== undefined && call.agent_info.id !== null && String(call.agent_info.id) === agentId) return true;
    return (call?.participants ?? []).some((p) => p.user_id !== undefined && p.user_id !== null && String(p.user_id) === agentId);
  }
  return true;
}
