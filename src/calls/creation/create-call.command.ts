// The commands that create calls, as every entry point hands them to
// CallCreation: one per call shape, plus completing a parked outbound
// request. A surface (the CCAI Calls API today, the vendor facades later)
// reads its own input into them; CallCreation never sees a request body.
//
// The contract checks a request's fields in a fixed order, with lookups in
// between (the agent is looked up before the ticket id's form is checked).
// So a field carries what the surface read — absent, a value, or malformed
// with the error its row answers — and CallCreation raises that error when
// the contract's order reaches the field.
import type { CallError } from '../call-errors';

export type Field<T> = { state: 'absent' } | { state: 'given'; value: T } | { state: 'malformed'; error: CallError };

export const absent: Field<never> = { state: 'absent' };
export const given = <T>(value: T): Field<T> => ({ state: 'given', value });
export const malformed = (error: CallError): Field<never> => ({ state: 'malformed', error });

// The value, or null when absent; a malformed field's error is thrown.
export function valueOf<T>(field: Field<T>): T | null {
  if (field.state === 'malformed') throw field.error;
  return field.state === 'given' ? field.value : null;
}

// The value, or null when absent or malformed (rows that ignore a bad value).
export function valueOrNull<T>(field: Field<T>): T | null {
  return field.state === 'given' ? field.value : null;
}

// An id as sent: `id` is null for an integer no row can have (not positive,
// or too large), which is answered "not found" without a lookup; `raw` is
// how the request spelled it, for the message.
export interface IdRef {
  id: string | null;
  raw: string;
}

export type RecordingPermission = 'not_asked' | 'granted' | 'denied';

// An Idempotency-Key and the claim this request holds on it
// (IdempotencyService): the call is written only while the claim is still
// this request's, so a request that lost its key to a retry writes nothing.
export interface IdempotencyClaim {
  key: string;
  claim: string;
}

interface CallCommandBase {
  companyId: string;
  idempotencyKey: IdempotencyClaim | null;
}

export interface CreateOutboundCall extends CallCommandBase {
  shape: 'outbound';
  agentEmail: Field<string>;
  ticketId: Field<string>;
  endUserNumber: Field<string>; // E.164
  lang: Field<string>; // an ISO 639-1 code
  outboundNumber: Field<string | null>; // E.164, null when not a phone number
  // Telephony: how long the dialed end user may ring (1-600 s); not CCAI's,
  // checked after every row of its table.
  ringTimeoutSeconds: Field<number>;
}

export interface CreateInboundCall extends CallCommandBase {
  shape: 'inbound';
  menuId: Field<IdRef>;
  ticketId: Field<string>;
  endUserNumber: Field<string>;
  lang: Field<string>;
  recordingPermission: Field<RecordingPermission>;
  outboundNumber: string | null; // E.164 when it is one
}

export interface CreateScheduledCall extends CallCommandBase {
  shape: 'scheduled';
  parentCallId: Field<IdRef>;
  menuId: Field<IdRef>;
  menuIdBlank: boolean; // no menu_id at all (a callback then takes its parent's menu)
  scheduledAt: Field<Date>;
  ticketId: Field<string>;
  endUserNumber: Field<string>;
  lang: Field<string>;
  recordingPermission: Field<RecordingPermission>;
}

export type CreateCall = CreateOutboundCall | CreateInboundCall | CreateScheduledCall;

export interface CompletePendingCall {
  companyId: string;
  pendingCallId: string;
  endUserNumber: Field<string>; // malformed: not a phone number
  outboundNumber: Field<string>;
}
