// The call row as a projection of its event log: a pure reducer from the
// machine's effects to the call's own columns. The lifecycle service writes
// what it computes; replaying a call's log through the machine and this
// reducer must give the stored row (test/lifecycle-replay.e2e-spec.ts).
// Participants, transfers and agents' statuses live in their own tables and
// are written by the service beside it.
import { CallContext, CallEffect, CallEvent, CallStatus, applyEvent, snapshotOf } from './call.machine';

export interface CallProjection {
  status: CallStatus;
  created_at: Date;
  scheduled_at: Date | null;
  queued_at: Date | null;
  assigned_at: Date | null;
  connected_at: Date | null;
  ends_at: Date | null;
  agent_id: number | null;
  menu_id: number | null;
  hold_ms: number;
  hold_started_at: Date | null;
  voip_provider: string;
  fail_reason: string;
  fail_details: string | null;
  disconnected_by: string;
  deflection: string;
  deflection_details: unknown[];
  voicemail_reason: string;
  recording_url: string | null;
  offers: number; // entries of offer_events
  open_transfer: { to_agent_id: number | null; to_menu_id: number | null } | null;
}

// What the log's first row ("created") says of the new call.
export interface CreatedEvent {
  to_status: string;
  created_at: Date;
  data: { agent_id?: number | null; menu_id?: number | null; call_type?: string; scheduled_at?: string | null; voip_provider?: string };
}

export function initialProjection(created: CreatedEvent): CallProjection {
  const at = new Date(created.created_at);
  const status = created.to_status as CallStatus;
  return {
    status,
    created_at: at,
    scheduled_at: created.data.scheduled_at ? new Date(created.data.scheduled_at) : null,
    queued_at: status === 'queued' ? at : null,
    assigned_at: status === 'assigned' ? at : null,
    connected_at: null,
    ends_at: null,
    agent_id: created.data.agent_id ?? null,
    menu_id: created.data.menu_id ?? null,
    hold_ms: 0,
    hold_started_at: null,
    // Calls a voice provider will carry say which at creation (telephony).
    voip_provider: created.data.voip_provider ?? 'voip_provider_twilio',
    fail_reason: 'nothing',
    fail_details: null,
    disconnected_by: 'disconnected_by_unknown',
    deflection: 'no_deflection',
    deflection_details: [],
    voicemail_reason: 'not_voicemail',
    recording_url: null,
    offers: status === 'queued' && created.data.call_type === 'Voice Inbound (API)' ? 1 : 0,
    open_transfer: null,
  };
}

export function contextOf(call: Pick<CallProjection, 'hold_started_at' | 'open_transfer'>): CallContext {
  return { onHold: call.hold_started_at !== null, transferOpen: call.open_transfer !== null };
}

// Time never goes backwards on a call: an event is stamped no earlier than
// anything the call already carries, whatever one instance's clock says.
export function eventTime(call: CallProjection, clock: Date): Date {
  const latest = [call.created_at, call.queued_at, call.assigned_at, call.connected_at, call.ends_at, call.hold_started_at]
    .filter((d): d is Date => d !== null)
    .reduce((a, b) => (b.getTime() > a.getTime() ? b : a), clock);
  return new Date(latest.getTime());
}

// The call's columns after the effects of one event, applied at `at`.
export function project(call: CallProjection, status: CallStatus, effects: CallEffect[], at: Date): CallProjection {
  const next: CallProjection = { ...call, status };
  for (const effect of effects) {
    switch (effect.type) {
      case 'stamp':
        if (!effect.params.onlyIfUnset || next[effect.params.field] === null) next[effect.params.field] = at;
        break;
      case 'setMenu':
        next.menu_id = effect.params.menuId;
        break;
      case 'setSchedule':
        next.scheduled_at = new Date(effect.params.scheduledAt);
        break;
      case 'appendOffer':
        next.offers += 1;
        break;
      case 'assignAgent':
        next.agent_id = effect.params.agentId;
        break;
      case 'clearAgent':
        next.agent_id = null;
        next.assigned_at = null;
        break;
      case 'setVoipProvider':
        next.voip_provider = effect.params.voipProvider;
        break;
      case 'openHold':
        next.hold_started_at = at;
        break;
      case 'closeHold':
        if (next.hold_started_at) next.hold_ms += at.getTime() - next.hold_started_at.getTime();
        next.hold_started_at = null;
        break;
      case 'openTransfer':
        next.open_transfer = { to_agent_id: effect.params.toAgentId ?? null, to_menu_id: effect.params.toMenuId ?? null };
        break;
      case 'completeTransfer':
        if (next.open_transfer?.to_agent_id != null) next.agent_id = next.open_transfer.to_agent_id;
        if (next.open_transfer?.to_menu_id != null) next.menu_id = next.open_transfer.to_menu_id;
        next.open_transfer = null;
        break;
      case 'failTransfer':
        next.open_transfer = null;
        break;
      case 'endCall':
        next.ends_at = at;
        if (effect.params.failReason !== undefined) next.fail_reason = effect.params.failReason;
        if (effect.params.failDetails !== undefined) next.fail_details = effect.params.failDetails;
        if (effect.params.disconnectedBy !== undefined) next.disconnected_by = effect.params.disconnectedBy;
        break;
      case 'setDeflection':
        next.deflection = effect.params.deflection;
        next.deflection_details = effect.params.deflectionDetails;
        break;
      case 'setVoicemail':
        next.voicemail_reason = effect.params.voicemailReason;
        break;
      case 'setRecording':
        next.recording_url = effect.params.recordingUrl;
        break;
      // Effects on other tables (participants, agents, the parent call).
      case 'releaseAgent':
      case 'agentParticipantFails':
      case 'participantsTo':
      case 'recoverParent':
        break;
    }
  }
  return next;
}

export interface LoggedEvent {
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string;
  data: Record<string, unknown>;
  created_at: Date;
}

// Replays a call's whole log through the machine and the reducer. Throws
// when a logged event is one the machine would not have taken, or led
// elsewhere than the log says.
export function replay(events: LoggedEvent[]): CallProjection {
  const [created, ...rest] = [...events].sort((a, b) => a.seq - b.seq);
  if (!created || created.type !== 'created') throw new Error('the log does not start with the call\'s creation');
  let call = initialProjection({ to_status: created.to_status, created_at: created.created_at, data: created.data });
  for (const logged of rest) {
    // A provider's late event, recorded as stale: it changed nothing.
    if (logged.data.stale === true) {
      if (logged.from_status !== call.status || logged.to_status !== call.status) throw new Error(`event ${logged.seq}: a stale event that moved the call`);
      continue;
    }
    const event = eventFromLog(logged.type, logged.data);
    const snapshot = snapshotOf(call.status, contextOf(call));
    if (logged.from_status !== call.status) throw new Error(`event ${logged.seq}: logged from '${logged.from_status}', replay is at '${call.status}'`);
    const applied = applyEvent(snapshot, event);
    if (applied.status !== logged.to_status) throw new Error(`event ${logged.seq}: logged to '${logged.to_status}', replay goes to '${applied.status}'`);
    call = project(call, applied.status, applied.actions, new Date(logged.created_at));
  }
  return call;
}

// An event's fields as the log keeps them (snake_case, as the API speaks)
// and back to the machine's event.
export function eventToLog(event: CallEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key !== 'type') data[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return data;
}

export function eventFromLog(type: string, data: Record<string, unknown>): CallEvent {
  const event: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(data)) event[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  return event as unknown as CallEvent;
}
