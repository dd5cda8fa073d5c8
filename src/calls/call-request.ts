// Reading the loosely typed JSON of POST /calls. Each helper answers what
// the contract's rows need to tell apart: absent, present and usable, or
// present with the wrong shape.
export type Body = Record<string, unknown>;

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

export const RECORDING_PERMISSIONS: Record<string, 'not_asked' | 'granted' | 'denied'> = {
  recording_permission_not_asked: 'not_asked',
  recording_permission_granted: 'granted',
  recording_permission_denied: 'denied',
};
