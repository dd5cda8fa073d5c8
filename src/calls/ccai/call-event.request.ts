// Reads the body of POST /calls/:id/events into the lifecycle's command,
// leaving references (agents by e-mail, menus by id) for the lifecycle to
// resolve inside its transaction. Anything malformed is a 400 naming the field.
import { callError } from '../call-errors';
import type { ApplyCallEvent, EventInput } from '../lifecycle/apply-event.command';
import { lifecycleError } from '../lifecycle/lifecycle-errors';
import { isBody, parseInstant } from './create-call.request';
import {
  CLIENT_EVENT_TYPES,
  DISCONNECTED_BY,
  DisconnectedBy,
  FAILURE_CODES,
  FailureCode,
  VOICEMAIL_REASONS,
  VOIP_PROVIDERS,
  VoicemailReason,
  VoipProvider,
} from '../lifecycle/machine/call.machine';

const ENDING_CODES = FAILURE_CODES as readonly string[];

export function parseEventRequest(companyId: string, callId: string, body: unknown): ApplyCallEvent {
  if (!isBody(body)) throw lifecycleError('typeRequired');
  const type = body.type;
  if (type === undefined || type === null || type === '') throw lifecycleError('typeRequired');
  if (type === 'recover') throw lifecycleError('engineOnly', type);
  if (typeof type !== 'string' || !(CLIENT_EVENT_TYPES as readonly string[]).includes(type)) throw lifecycleError('typeUnknown', String(type));
  return { companyId, callId, event: parseFields(type as EventInput['type'], body), source: 'client', dedupeKey: parseEventId(body.event_id) };
}

function parseEventId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) throw lifecycleError('eventIdInvalid');
  return value;
}

function parseFields(type: EventInput['type'], body: Record<string, unknown>): EventInput {
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
      if (toAgent === toMenu) throw lifecycleError('transferTarget');
      return toAgent ? { type, toAgentEmail: text(body.to_agent_email, 'to_agent_email', 254) } : { type, toMenuId: integerId(body.to_menu_id, 'to_menu_id') };
    }
    case 'dtmf':
      if (typeof body.digits !== 'string' || !/^[0-9*#A-D]{1,32}$/.test(body.digits)) {
        throw body.digits === undefined || body.digits === null || body.digits === '' ? lifecycleError('required', 'digits') : lifecycleError('notWellFormed', 'digits');
      }
      return { type, digits: body.digits };
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
      if (!Array.isArray(details) || JSON.stringify(details).length > 10_000) throw lifecycleError('notWellFormed', 'deflection_details');
      return { type, deflection: oneOf(body.deflection, 'deflection', ['after_hours', 'over_capacity']) as 'after_hours' | 'over_capacity', deflectionDetails: details };
    }
    case 'start_voicemail':
      return { type, voicemailReason: oneOf(body.voicemail_reason, 'voicemail_reason', VOICEMAIL_REASONS.filter((r) => r !== 'not_voicemail')) as Exclude<VoicemailReason, 'not_voicemail'> };
    case 'leave_voicemail':
      return { type, recordingUrl: url(body.recording_url, 'recording_url') };
    case 'reschedule': {
      // As at creation: given, well formed, in the future (the menu's hours
      // at that time are checked with the call's menu, in the service).
      if (body.scheduled_at === undefined || body.scheduled_at === null || body.scheduled_at === '') throw callError('scheduledAtRequired');
      const at = parseInstant(body.scheduled_at);
      if (!at) throw callError('scheduledAtNotWellFormed');
      if (at.getTime() <= Date.now()) throw callError('scheduledAtNotInFuture');
      return { type, scheduledAt: at.toISOString() };
    }
    default:
      return { type } as EventInput;
  }
}

function text(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null || value === '') throw lifecycleError('required', field);
  if (typeof value !== 'string' || value.length > max) throw lifecycleError('notWellFormed', field);
  return value;
}

function integerId(value: unknown, field: string): string {
  if (value === undefined || value === null) throw lifecycleError('required', field);
  // A positive whole number that is an id (a bigint); 1e20 is a whole number too.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw lifecycleError('notWellFormed', field);
  return String(value);
}

function oneOf(value: unknown, field: string, values: readonly string[]): string {
  if (value === undefined || value === null || value === '') throw lifecycleError('required', field);
  if (typeof value !== 'string' || !values.includes(value)) throw lifecycleError('oneOf', field, values);
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
  throw lifecycleError('notWellFormed', field);
}
