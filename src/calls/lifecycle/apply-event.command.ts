// The command every entry point hands the lifecycle: apply an event to a
// call. Surfaces (the CCAI Calls API, the scheduler, the engine itself, and
// later telephony providers) build it from their own input; the lifecycle
// never sees a request body.
import type { CallEvent } from './machine/call.machine';

// Who caused an event; recorded on its row of the call's log.
export type EventSource = 'client' | 'scheduler' | 'engine' | 'provider';

// An event as a surface knows it: the machine's event where nothing needs
// resolving, else the reference (an agent by e-mail, a menu by id) that the
// lifecycle resolves inside its transaction.
export type EventInput =
  | { type: 'select_menu'; menuId: string }
  | { type: 'assign'; agentEmail: string }
  | { type: 'read_voicemail'; agentEmail: string }
  | { type: 'transfer'; toAgentEmail: string }
  | { type: 'transfer'; toMenuId: string }
  | Exclude<CallEvent, { type: 'select_menu' | 'assign' | 'read_voicemail' | 'transfer' }>;

export interface ApplyCallEvent {
  companyId: string;
  callId: string;
  event: EventInput;
  source: EventSource;
  // The sender's id for the event (CCAI's `event_id`, a provider's event id):
  // the same key again applies nothing and answers what the first answered.
  dedupeKey: string | null;
  // A provider's event on one leg of the call (telephony): recorded in the
  // log with these facts. A late one (its leg no longer the call's current
  // leg, or an event the status no longer takes) is recorded as stale and
  // changes nothing, instead of being refused.
  provider?: ProviderFacts;
}

export interface ProviderFacts {
  legRowId: string; // telephony_legs.id
  legId: string;
  providerId: string | null;
  providerName: string | null;
  kind: string;
  providerCallId: string;
  seq: number;
  // What the provider reported: ringing, answered, dtmf, ended (with its cause).
  reported: string;
  cause: string | null;
  sipCode: number | null;
  reason: string | null;
  // What the event says of the leg, for the leg's own record.
  legState: 'ringing' | 'answered' | 'ended' | null;
}
