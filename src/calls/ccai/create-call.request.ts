// Reads the loosely typed JSON of POST /calls (and of completing a pending
// request) into CallCreation's commands. Each field is read into what the
// contract's rows need to tell apart: absent, a usable value, or present
// with the wrong shape (with the error its row answers).
import { ISO_639_1 } from '../../common/languages';
import { toE164 } from '../../common/phone-numbers';
import { callError } from '../call-errors';
import type { CallError } from '../call-errors';
import {
  CompletePendingCall,
  CreateCall,
  Field,
  IdRef,
  IdempotencyClaim,
  RecordingPermission,
  absent,
  given,
  malformed,
} from '../creation/create-call.command';

export type Body = Record<string, unknown>;

export function parseCreateCall(companyId: string, body: unknown, idempotencyKey: IdempotencyClaim | null): CreateCall {
  const shape = callShape(body);
  if (!shape || !isBody(body)) throw callError('invalidCallType');
  const common = { companyId, idempotencyKey, ticketId: ticketIdField(body.ticket_id), lang: langField(body.lang) };
  switch (shape) {
    case 'outbound':
      return {
        ...common,
        shape,
        agentEmail: isAbsent(body.agent_email)
          ? absent
          : typeof body.agent_email === 'string' && isEmailAddress(body.agent_email)
            ? given(body.agent_email)
            : malformed(callError('invalidAgentEmail')),
        endUserNumber: numberField(body.end_user_number, callError('outboundNumberNotWellFormed')),
        outboundNumber: isAbsent(body.outbound_number)
          ? absent
          : typeof body.outbound_number === 'string'
            ? given(toE164(body.outbound_number))
            : malformed(callError('outboundNumberFieldNotWellFormed')),
        ringTimeoutSeconds: isAbsent(body.ring_timeout_seconds)
          ? absent
          : typeof body.ring_timeout_seconds === 'number' && Number.isInteger(body.ring_timeout_seconds) && body.ring_timeout_seconds >= 1 && body.ring_timeout_seconds <= 600
            ? given(body.ring_timeout_seconds)
            : malformed(callError('ringTimeoutNotWellFormed')),
      };
    case 'inbound':
      return {
        ...common,
        shape,
        menuId: idField(body.menu_id, callError('menuIdNotWellFormed')),
        endUserNumber: numberField(body.end_user_number, callError('endUserNumberNotWellFormed')),
        recordingPermission: recordingPermissionField(body.recording_permission),
        outboundNumber: toE164(body.outbound_number),
      };
    case 'scheduled':
      return {
        ...common,
        shape,
        parentCallId: isAbsent(body.call_id) ? absent : idField(body.call_id, callError('callIdNotWellFormed')),
        menuId: idField(body.menu_id, callError('menuIdNotWellFormed')),
        menuIdBlank: isAbsent(body.menu_id),
        scheduledAt: isAbsent(body.scheduled_at) ? absent : instantField(body.scheduled_at),
        endUserNumber: numberField(body.end_user_number, callError('endUserNumberNotWellFormed')),
        recordingPermission: recordingPermissionField(body.recording_permission),
      };
  }
}

export function parseCompletePendingCall(companyId: string, pendingCallId: string, body: unknown): CompletePendingCall {
  const choice = isBody(body) ? body : {};
  return {
    companyId,
    pendingCallId,
    endUserNumber: numberField(choice.end_user_number, callError('choiceNotAllowed', 'end_user_number')),
    outboundNumber: numberField(choice.outbound_number, callError('choiceNotAllowed', 'outbound_number')),
  };
}

function ticketIdField(raw: unknown): Field<string> {
  const ticket = readTicketId(raw);
  return ticket === null ? absent : ticket === 'invalid' ? malformed(callError('ticketIdNotWellFormed')) : given(ticket);
}

// A phone number: E.164 when well formed.
function numberField(raw: unknown, error: CallError): Field<string> {
  if (isAbsent(raw)) return absent;
  const number = toE164(raw);
  return number === null ? malformed(error) : given(number);
}

function langField(raw: unknown): Field<string> {
  if (raw === undefined || raw === null) return absent;
  if (typeof raw !== 'string') return malformed(callError('langNotWellFormed'));
  if (!ISO_639_1.has(raw)) return malformed(callError('languageNotFound', raw));
  return given(raw);
}

// menu_id / call_id: a JSON integer (a string or a float is the wrong JSON type).
function idField(raw: unknown, error: CallError): Field<IdRef> {
  if (raw === undefined || raw === null) return absent;
  const id = readInteger(raw);
  if (id === 'invalid') return malformed(error);
  return given({ id: id === 'unknown' ? null : id, raw: String(raw) });
}

function instantField(raw: unknown): Field<Date> {
  const at = parseInstant(raw);
  return at ? given(at) : malformed(callError('scheduledAtNotWellFormed'));
}

function recordingPermissionField(raw: unknown): Field<RecordingPermission> {
  if (raw === undefined || raw === null) return absent;
  if (typeof raw !== 'string' || !Object.hasOwn(RECORDING_PERMISSIONS, raw)) return malformed(callError('recordingPermissionInvalid'));
  return given(RECORDING_PERMISSIONS[raw]);
}

export const CALL_TYPES = {
  outbound: 'Voice Outbound (API)',
  inbound: 'Voice Inbound (API)',
  scheduled: 'Voice Scheduled (API)',
} as const;
export type CallShape = keyof typeof CALL_TYPES;

// Current names and their deprecated aliases (stored as the current name).
const CALL_TYPE_NAMES: Record<string, CallShape> = {
  'Voice Outbound (API)': 'outbound',
  OutboundCall: 'outbound',
  'Voice Inbound (API)': 'inbound',
  IncomingCall: 'inbound',
  'Voice Scheduled (API)': 'scheduled',
  ScheduledCall: 'scheduled',
};

export function callShape(body: unknown): CallShape | null {
  if (!isBody(body)) return null;
  const type = body.call_type;
  return typeof type === 'string' && Object.hasOwn(CALL_TYPE_NAMES, type) ? CALL_TYPE_NAMES[type] : null;
}

export function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// null, undefined and "" all mean "not given".
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

// ticket_id: a string, or a JSON number read as its decimal string.
export function readTicketId(value: unknown): string | null | 'invalid' {
  if (isAbsent(value)) return null;
  if (typeof value === 'string') return value.length <= 255 ? value : 'invalid';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return 'invalid';
}

// menu_id / call_id: a JSON integer. Returns the id to look up, or
// 'unknown' for an integer no row can have (not positive, or too large).
export function readInteger(value: unknown): string | 'invalid' | 'unknown' {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'invalid';
  if (value < 1 || !Number.isSafeInteger(value)) return 'unknown';
  return String(value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):?(\d{2}))$/i;

// An ISO 8601 date-time with a zone (Z or an offset); a date without a time
// or a time without a zone is not an instant.
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = ISO_DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', , zone, zh = '0', zm = '0'] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > daysInMonth(+y, +mo) || +h > 23 || +mi > 59 || +s > 59) return null;
  if (zone.toUpperCase() !== 'Z' && (+zh > 23 || +zm > 59)) return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const RECORDING_PERMISSIONS: Record<string, RecordingPermission> = {
  recording_permission_not_asked: 'not_asked',
  recording_permission_granted: 'granted',
  recording_permission_denied: 'denied',
};
