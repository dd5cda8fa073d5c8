// Reads the body of POST /calls/:id/events into an event the machine knows,
// leaving references (agents by e-mail, menus by id) for the service to
// resolve inside its transaction. Anything malformed is a 400 naming the field.
import { ApiError } from '../../common/api-error';
import { CallMessages } from '../call-messages';
import { isBody, parseInstant } from '../call-request';
import {
  CLIENT_EVENT_TYPES,
  CallEvent,
  DISCONNECTED_BY,
  DisconnectedBy,
  FAILURE_CODES,
  FailureCode,
  VOICEMAIL_REASONS,
  VOIP_PROVIDERS,
  VoicemailReason,
  VoipProvider,
} from './call.machine';

export const LifecycleMessages = {
  notAllowed: (type: string, status: string) => `Cannot ${type} a call in status '${status}'`,
  agentNotAvailable: 'Agent is not available to take this call',
  typeRequired: 'type is required',
  typeUnknown: (type: string) => `type must be one of ${CLIENT_EVENT_TYPES.join(', ')} (got '${type}')`,
  engineOnly: (type: string) => `'${type}' is sent by Switchboard itself and is not accepted from clients`,
  eventIdInvalid: 'event_id must be a string of 1 to 255 characters',
  required: (field: string) => `${field} is required`,
  oneOf: (field: string, values: readonly string[]) => `${field} must be one of ${values.join(', ')}`,
  notWellFormed: (field: string) => `${field} is not well formed`,
  agentNotFound: (field: string) => `${field} is not a valid agent email`,
  menuNotFound: (id: string, field = 'menu_id') => `${field} ${id} is not found`,
  transferTarget: 'transfer needs exactly one of to_agent_email and to_menu_id',
} as const;

// An event as the client sent it: the machine's event where no reference
// needs resolving, else the reference to resolve.
export type ClientEvent =
  | { type: 'select_menu'; menuId: string }
  | { type: 'assign'; agentEmail: string }
  | { type: 'read_voicemail'; agentEmail: string }
  | { type: 'transfer'; toAgentEmail: string }
  | { type: 'transfer'; toMenuId: string }
  | Exclude<CallEvent, { type: 'select_menu' | 'assign' | 'read_voicemail' | 'transfer' }>;

export interface ParsedEventRequest {
  event: ClientEvent;
  eventId: string | null;
}

const M = LifecycleMessages;
const ENDING_CODES = FAILURE_CODES as readonly string[];

export function parseEventRequest(body: unknown): ParsedEventRequest {
  if (!isBody(body)) throw ApiError.badRequest(M.typeRequired);
  const type = body.type;
  if (type === undefined || type === null || type === '') throw ApiError.badRequest(M.typeRequired);
  if (type === 'recover') throw ApiError.badRequest(M.engineOnly(type));
  if (typeof type !== 'string' || !(CLIENT_EVENT_TYPES as readonly string[]).includes(type)) throw ApiError.badRequest(M.typeUnknown(String(type)));
  return { event: parseFields(type as ClientEvent['type'], body), eventId: parseEventId(body.event_id) };
}

function parseEventId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) throw ApiError.badRequest(M.eventIdInvalid);
  return value;
}

function parseFields(type: ClientEvent['type'], body: Record<string, unknown>): ClientEvent {
  switch (type) {
    case 'select_menu':
      return { type, menuId: integerId(body.menu_id, 'menu_id') };
    case 'offer':
      return { type, group: text(body.group, 'group', 200) };
    case 'assign':
    case 'read_voicemail':
      return { type, agentEmail: text(body.agent_email, 'agent_email', 254) };
    case 'provider_failed':
      return { type, voipProvider: oneOf(body.voip_provider, 'voip_provider', VOIP_PROVIDERS) as VoipProvider };
    case 'transfer': {
      const toAgent = body.to_agent_email !== undefined && body.to_agent_email !== null;
      const toMenu = body.to_menu_id !== undefined && body.to_menu_id !== null;
      if (toAgent === toMenu) throw ApiError.badRequest(M.transferTarget);
      return toAgent ? { type, toAgentEmail: text(body.to_agent_email, 'to_agent_email', 254) } : { type, toMenuId: integerId(body.to_menu_id, 'to_menu_id') };
    }
    case 'transfer_failed':
      return { type, failReason: oneOf(body.fail_reason, 'fail_reason', ENDING_CODES) as FailureCode };
    case 'hangup':
      return body.disconnected_by === undefined || body.disconnected_by === null
        ? { type }
        : { type, disconnectedBy: oneOf(body.disconnected_by, 'disconnected_by', DISCONNECTED_BY) as DisconnectedBy };
    case 'fail':
      return {
        type,
        failReason: oneOf(body.fail_reason, 'fail_reason', ENDING_CODES) as FailureCode,
        failDetails: body.fail_details === undefined || body.fail_details === null ? null : text(body.fail_details, 'fail_details', 2000),
      };
    case 'deflect': {
      const details = body.deflection_details ?? [];
      if (!Array.isArray(details) || JSON.stringify(details).length > 10_000) throw ApiError.badRequest(M.notWellFormed('deflection_details'));
      return { type, deflection: oneOf(body.deflection, 'deflection', ['after_hours', 'over_capacity']) as 'after_hours' | 'over_capacity', deflectionDetails: details };
    }
    case 'start_voicemail':
      return { type, voicemailReason: oneOf(body.voicemail_reason, 'voicemail_reason', VOICEMAIL_REASONS.filter((r) => r !== 'not_voicemail')) as Exclude<VoicemailReason, 'not_voicemail'> };
    case 'leave_voicemail':
      return { type, recordingUrl: url(body.recording_url, 'recording_url') };
    case 'reschedule': {
      // As at creation: given, well formed, in the future (the menu's hours
      // at that time are checked with the call's menu, in the service).
      if (body.scheduled_at === undefined || body.scheduled_at === null || body.scheduled_at === '') throw ApiError.badRequest(CallMessages.scheduledAtRequired);
      const at = parseInstant(body.scheduled_at);
      if (!at) throw ApiError.badRequest(CallMessages.scheduledAtNotWellFormed);
      if (at.getTime() <= Date.now()) throw ApiError.badRequest(CallMessages.scheduledAtNotInFuture);
      return { type, scheduledAt: at.toISOString() };
    }
    default:
      return { type } as ClientEvent;
  }
}

function text(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null || value === '') throw ApiError.badRequest(M.required(field));
  if (typeof value !== 'string' || value.length > max) throw ApiError.badRequest(M.notWellFormed(field));
  return value;
}

function integerId(value: unknown, field: string): string {
  if (value === undefined || value === null) throw ApiError.badRequest(M.required(field));
  if (typeof value !== 'number' || !Number.isInteger(value)) throw ApiError.badRequest(M.notWellFormed(field));
  return String(value);
}

function oneOf(value: unknown, field: string, values: readonly string[]): string {
  if (value === undefined || value === null || value === '') throw ApiError.badRequest(M.required(field));
  if (typeof value !== 'string' || !values.includes(value)) throw ApiError.badRequest(M.oneOf(field, values));
  return value;
}

function url(value: unknown, field: string): string {
  const raw = text(value, field, 2000);
  try {
    const parsed = new URL(raw);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw;
  } catch {
    // falls through
  }
  throw ApiError.badRequest(M.notWellFormed(field));
}
