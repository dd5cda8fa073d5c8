// The call lifecycle of docs/lifecycle.md (contract: shared spec lifecycle.md)
// as one pure XState v5 machine. No Nest, no TypeORM: the service rebuilds a
// snapshot from the call row, asks `canApply`, computes `applyEvent` and then
// carries out the returned effects inside the same database transaction.
import { and, assign, enqueueActions, not, setup, transition } from 'xstate';

// Statuses, in the order of the seed's status table.
export const CALL_STATUSES = [
  'selecting',
  'queued',
  'assigned',
  'connecting',
  'connected',
  'finished',
  'failed',
  'switching',
  'recovered',
  'scheduled',
  'action_only',
  'action_only_finished',
  'deflected',
  'voicemail',
  'voicemail_received',
  'voicemail_read',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

// Where calls are created: outbound API, inbound API, scheduled API, telephony
// into an IVR, the SDK on the customer's own telephony.
export const START_STATUSES = ['assigned', 'queued', 'scheduled', 'selecting', 'action_only'] as const satisfies readonly CallStatus[];

// Statuses nothing leaves. `failed` (left by `recover`), `deflected` and
// `voicemail_received` are ended calls too, but not final.
export const FINAL_STATUSES = ['finished', 'recovered', 'voicemail_read', 'action_only_finished'] as const satisfies readonly CallStatus[];

// An agent is on at most one call in these statuses at a time.
export const LIVE_STATUSES = ['assigned', 'connecting', 'switching', 'connected'] as const satisfies readonly CallStatus[];

// CCAI's string codes; `nothing` means "not failed" and is the column default.
export const FAIL_REASONS = [
  'nothing',
  'unknown',
  'expired',
  'transfer_expired',
  'eu_canceled',
  'eu_rejected',
  'eu_abandoned',
  'eu_in_menu_abandoned',
  'eu_repeated_voicemail',
  'eu_repeated_callback',
  'eu_busy',
  'eu_wrong_number',
  'eu_no_answer',
  'eu_noti_failed',
  'ag_canceled',
  'ag_ignored',
  'ag_mic_no_device',
  'ag_mic_denied',
  'voip_twilio_error',
  'voip_tokbox_error',
  'voip_nexmo_error',
  'voip_invalid_token',
  'voip_conn_general',
  'voip_conn_timeout',
  'voip_conn_signal',
  'stuck_due_to_api_error',
  'group_deleted_no_substitute',
  'menu_deleted',
  'direct_pstn_call_to_fallback_number',
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

// What a `fail` / `transfer_failed` event may carry: a real failure, never `nothing`.
export const FAILURE_CODES = FAIL_REASONS.filter((reason) => reason !== 'nothing') as Exclude<FailReason, 'nothing'>[];
export type FailureCode = Exclude<FailReason, 'nothing'>;

export const DEFLECTIONS = ['no_deflection', 'after_hours', 'over_capacity'] as const;
export type Deflection = (typeof DEFLECTIONS)[number];

export const DISCONNECTED_BY = [
  'disconnected_by_unknown',
  'disconnected_by_end_user',
  'disconnected_by_agent',
  'disconnected_by_system',
] as const;
export type DisconnectedBy = (typeof DISCONNECTED_BY)[number];

// The seed only shows `not_voicemail` (the default). The others follow CCAI's
// deflection vocabulary: after_hours / over_capacity (the deflection that led
// to voicemail), no_answer (no agent took the queued call in time),
// user_selected (the end user chose voicemail in the menu).
export const VOICEMAIL_REASONS = ['not_voicemail', 'after_hours', 'over_capacity', 'no_answer', 'user_selected'] as const;
export type VoicemailReason = (typeof VOICEMAIL_REASONS)[number];

// What clients may name (CCAI's); the engine's own voice providers add the
// kinds that carry calls here (telephony: `voip_provider_<kind>`).
export const VOIP_PROVIDERS = ['voip_provider_twilio', 'voip_provider_nexmo', 'voip_provider_tokbox'] as const;
export const ENGINE_VOIP_PROVIDERS = ['voip_provider_sip', 'voip_provider_simulator'] as const;
export type VoipProvider = (typeof VOIP_PROVIDERS)[number] | (typeof ENGINE_VOIP_PROVIDERS)[number];

// The only state the guards need that is not in the status; kept on the call
// row. Everything else (agent, menu, transfer target) the service reads from
// the row or the event when it carries out an effect.
export interface CallContext {
  onHold: boolean;
  transferOpen: boolean;
}

export const INITIAL_CALL_CONTEXT: CallContext = { onHold: false, transferOpen: false };

// Events as the service hands them to the machine: client fields mapped to
// camelCase and resolved (emails to ids), plus facts it loaded for the guards
// (`menuIsLeaf`, `agentAvailable`, `toAgentAvailable`).
export type CallEvent =
  | { type: 'select_menu'; menuId: number; menuIsLeaf: boolean }
  | { type: 'dispatch' }
  | { type: 'cancel' }
  // Not in the spec's table: moving a booked call to another time (issue 5).
  // The machine decides it as every other change: only while `scheduled`.
  | { type: 'reschedule'; scheduledAt: string }
  | { type: 'offer'; group: string }
  | { type: 'assign'; agentId: number; agentAvailable: boolean }
  | { type: 'decline' }
  | { type: 'connect' }
  | { type: 'provider_failed'; voipProvider: VoipProvider }
  | { type: 'retry' }
  // Telephony: the end user's phone rings (180/183), and keys pressed on
  // the call. Recorded; nothing changes.
  | { type: 'ringing' }
  | { type: 'connected' }
  | { type: 'dtmf'; digits: string }
  | { type: 'hold' }
  | { type: 'unhold' }
  // Exactly one of toAgentId / toMenuId (the HTTP layer checks it);
  // toAgentAvailable is the target agent's availability, for agent transfers.
  | { type: 'transfer'; toAgentId?: number; toMenuId?: number; toAgentAvailable?: boolean }
  | { type: 'transfer_completed' }
  | { type: 'transfer_failed'; failReason: FailureCode }
  // disconnectedBy is optional: the voicemail row of the spec has no field.
  // failDetails: why the engine ended a call its provider carried ("media timeout").
  | { type: 'hangup'; disconnectedBy?: DisconnectedBy; failDetails?: string }
  | { type: 'fail'; failReason: FailureCode; failDetails: string | null }
  | { type: 'deflect'; deflection: Exclude<Deflection, 'no_deflection'>; deflectionDetails: unknown[] }
  | { type: 'start_voicemail'; voicemailReason: Exclude<VoicemailReason, 'not_voicemail'> }
  | { type: 'leave_voicemail'; recordingUrl: string }
  | { type: 'read_voicemail'; agentId: number }
  | { type: 'finish_action_only' }
  | { type: 'recover' };
export type CallEventType = CallEvent['type'];
export type EventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;

// Event types, in the order of the spec's event table.
export const CALL_EVENT_TYPES = [
  'select_menu',
  'dispatch',
  'cancel',
  'reschedule',
  'offer',
  'assign',
  'decline',
  'connect',
  'provider_failed',
  'retry',
  'ringing',
  'connected',
  'dtmf',
  'hold',
  'unhold',
  'transfer',
  'transfer_completed',
  'transfer_failed',
  'hangup',
  'fail',
  'deflect',
  'start_voicemail',
  'leave_voicemail',
  'read_voicemail',
  'finish_action_only',
  'recover',
] as const satisfies readonly CallEventType[];

// Sent by the engine itself (a child call reached `finished`); the HTTP layer
// refuses it. `dispatch` is sent by the scheduler but stays client-accessible.
export const ENGINE_ONLY_EVENTS = ['recover'] as const satisfies readonly CallEventType[];
export const CLIENT_EVENT_TYPES = CALL_EVENT_TYPES.filter(
  (type) => !(ENGINE_ONLY_EVENTS as readonly string[]).includes(type),
) as Exclude<CallEventType, (typeof ENGINE_ONLY_EVENTS)[number]>[];

// Effects the service carries out, in order, in the transaction of the event.
export type StampField = 'queued_at' | 'assigned_at' | 'connected_at';
export type ParticipantStatus = 'connecting' | 'connected' | 'finished';
export interface CallEffectParams {
  // onlyIfUnset: keeps a time the call already has (the first entry to the queue).
  stamp: { field: StampField; onlyIfUnset?: true };
  setMenu: { menuId: number };
  setSchedule: { scheduledAt: string };
  appendOffer: { group: string };
  assignAgent: { agentId: number };
  releaseAgent: Record<string, never>;
  clearAgent: Record<string, never>;
  agentParticipantFails: { failReason: FailureCode };
  participantsTo: { status: ParticipantStatus };
  setVoipProvider: { voipProvider: VoipProvider };
  openHold: Record<string, never>;
  closeHold: Record<string, never>;
  openTransfer: { toAgentId?: number; toMenuId?: number };
  completeTransfer: Record<string, never>;
  failTransfer: { failReason: FailureCode };
  endCall: { failReason?: FailureCode; failDetails?: string | null; disconnectedBy?: DisconnectedBy };
  setDeflection: { deflection: Deflection; deflectionDetails: unknown[] };
  setVoicemail: { voicemailReason: VoicemailReason };
  setRecording: { recordingUrl: string };
  recoverParent: Record<string, never>;
}
export type CallEffectType = keyof CallEffectParams;
export type CallEffect = { [K in CallEffectType]: { type: K; params: CallEffectParams[K] } }[CallEffectType];

// The machine only names effects; their implementations are no-ops.
const effect =
  <K extends CallEffectType>() =>
  (_args: unknown, _params: CallEffectParams[K]): void => undefined;
const bareEffect = () => (): void => undefined;

// What `failTransfer` records when the call hangs up under a running transfer.
const transferFailureOnHangup = (disconnectedBy: DisconnectedBy | undefined): FailureCode =>
  disconnectedBy === 'disconnected_by_end_user'
    ? 'eu_canceled'
    : disconnectedBy === 'disconnected_by_agent'
      ? 'ag_canceled'
      : 'unknown';

const lifecycle = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
  },
  guards: {
    menuIsLeaf: ({ event }) => event.type === 'select_menu' && event.menuIsLeaf,
    agentAvailable: ({ event }) => event.type === 'assign' && event.agentAvailable,
    onHold: ({ context }) => context.onHold,
    notOnHold: ({ context }) => !context.onHold,
    transferRunning: ({ context }) => context.transferOpen,
    noTransferRunning: ({ context }) => !context.transferOpen,
    // A transfer to a menu always has a target; one to an agent needs the agent available.
    transferTargetAvailable: ({ event }) =>
      event.type === 'transfer' && (event.toMenuId !== undefined || event.toAgentAvailable === true),
  },
  actions: {
    stamp: effect<'stamp'>(),
    setMenu: effect<'setMenu'>(),
    setSchedule: effect<'setSchedule'>(),
    appendOffer: effect<'appendOffer'>(),
    assignAgent: effect<'assignAgent'>(),
    releaseAgent: bareEffect(),
    clearAgent: bareEffect(),
    agentParticipantFails: effect<'agentParticipantFails'>(),
    participantsTo: effect<'participantsTo'>(),
    setVoipProvider: effect<'setVoipProvider'>(),
    openHold: bareEffect(),
    closeHold: bareEffect(),
    openTransfer: effect<'openTransfer'>(),
    completeTransfer: bareEffect(),
    failTransfer: effect<'failTransfer'>(),
    endCall: effect<'endCall'>(),
    setDeflection: effect<'setDeflection'>(),
    setVoicemail: effect<'setVoicemail'>(),
    setRecording: effect<'setRecording'>(),
    recoverParent: bareEffect(),
  },
});

// Rows shared by several statuses. `hangup` and `fail` differ only by origin:
// the fail_reason of a hangup, and whether an agent holds the call (live statuses).
const hangupToFailed = (failReason: FailureCode, agentOnCall: boolean) =>
  ({
    target: 'failed',
    actions: [
      {
        type: 'endCall',
        params: ({ event }: { event: EventOf<'hangup'> }) => ({
          failReason,
          disconnectedBy: event.disconnectedBy ?? 'disconnected_by_unknown',
          ...(event.failDetails !== undefined ? { failDetails: event.failDetails } : {}),
        }),
      },
      { type: 'participantsTo', params: { status: 'finished' } },
      ...(agentOnCall ? [{ type: 'releaseAgent' } as const] : []),
    ],
  }) as const;

const failToFailed = (agentOnCall: boolean) =>
  ({
    target: 'failed',
    actions: [
      {
        type: 'endCall',
        params: ({ event }: { event: EventOf<'fail'> }) => ({ failReason: event.failReason, failDetails: event.failDetails }),
      },
      { type: 'participantsTo', params: { status: 'finished' } },
      ...(agentOnCall ? [{ type: 'releaseAgent' } as const] : []),
    ],
  }) as const;

const deflectToDeflected = {
  target: 'deflected',
  actions: [
    {
      type: 'setDeflection',
      params: ({ event }: { event: EventOf<'deflect'> }) => ({
        deflection: event.deflection,
        deflectionDetails: event.deflectionDetails,
      }),
    },
    { type: 'endCall', params: {} },
    { type: 'participantsTo', params: { status: 'finished' } },
  ],
} as const;

const startVoicemail = {
  target: 'voicemail',
  actions: [
    {
      type: 'setVoicemail',
      params: ({ event }: { event: EventOf<'start_voicemail'> }) => ({ voicemailReason: event.voicemailReason }),
    },
  ],
} as const;

export const callMachine = lifecycle.createMachine({
  id: 'call',
  // The machine is always rebuilt from a stored status with `resolveState`;
  // `initial` only matters to tools that start it fresh.
  initial: 'selecting',
  context: { ...INITIAL_CALL_CONTEXT },
  states: {
    selecting: {
      on: {
        select_menu: [
          {
            guard: 'menuIsLeaf',
            target: 'queued',
            actions: [
              { type: 'setMenu', params: ({ event }) => ({ menuId: event.menuId }) },
              { type: 'stamp', params: { field: 'queued_at' } },
            ],
          },
          {
            guard: not('menuIsLeaf'),
            actions: [{ type: 'setMenu', params: ({ event }) => ({ menuId: event.menuId }) }],
          },
        ],
        hangup: hangupToFailed('eu_in_menu_abandoned', false),
        fail: failToFailed(false),
        deflect: deflectToDeflected,
      },
    },
    queued: {
      on: {
        offer: { actions: [{ type: 'appendOffer', params: ({ event }) => ({ group: event.group }) }] },
        assign: {
          guard: 'agentAvailable',
          target: 'assigned',
          actions: [
            { type: 'stamp', params: { field: 'assigned_at' } },
            { type: 'assignAgent', params: ({ event }) => ({ agentId: event.agentId }) },
          ],
        },
        hangup: hangupToFailed('eu_abandoned', false),
        fail: failToFailed(false),
        deflect: deflectToDeflected,
        start_voicemail: startVoicemail,
      },
    },
    assigned: {
      on: {
        decline: {
          target: 'queued',
          actions: [
            { type: 'agentParticipantFails', params: { failReason: 'ag_ignored' } },
            { type: 'releaseAgent' },
            { type: 'clearAgent' },
            // An outbound call, created assigned, enters the queue only now.
            { type: 'stamp', params: { field: 'queued_at', onlyIfUnset: true } },
          ],
        },
        connect: { target: 'connecting', actions: [{ type: 'participantsTo', params: { status: 'connecting' } }] },
        hangup: hangupToFailed('eu_canceled', true),
        fail: failToFailed(true),
      },
    },
    connecting: {
      on: {
        provider_failed: {
          target: 'switching',
          actions: [{ type: 'setVoipProvider', params: ({ event }) => ({ voipProvider: event.voipProvider }) }],
        },
        // A target, though the status stays: XState's `can` refuses a transition with neither target nor actions.
        ringing: { target: 'connecting' },
        connected: {
          target: 'connected',
          actions: [
            { type: 'stamp', params: { field: 'connected_at' } },
            { type: 'participantsTo', params: { status: 'connected' } },
          ],
        },
        hangup: hangupToFailed('eu_canceled', true),
        fail: failToFailed(true),
      },
    },
    connected: {
      on: {
        dtmf: { target: 'connected' },
        hold: { guard: 'notOnHold', actions: [{ type: 'openHold' }, assign({ onHold: true })] },
        unhold: { guard: 'onHold', actions: [{ type: 'closeHold' }, assign({ onHold: false })] },
        transfer: {
          guard: and(['noTransferRunning', 'transferTargetAvailable']),
          actions: [
            {
              type: 'openTransfer',
              params: ({ event }) =>
                event.toMenuId !== undefined ? { toMenuId: event.toMenuId } : { toAgentId: event.toAgentId },
            },
            assign({ transferOpen: true }),
          ],
        },
        transfer_completed: {
          guard: 'transferRunning',
          actions: [{ type: 'completeTransfer' }, assign({ transferOpen: false })],
        },
        transfer_failed: {
          guard: 'transferRunning',
          actions: [
            { type: 'failTransfer', params: ({ event }) => ({ failReason: event.failReason }) },
            assign({ transferOpen: false }),
          ],
        },
        hangup: {
          target: 'finished',
          actions: [
            // Close what is still open before the call's durations are computed.
            enqueueActions(({ context, event, enqueue }) => {
              if (context.onHold) enqueue({ type: 'closeHold' });
              if (context.transferOpen && event.type === 'hangup') {
                enqueue({ type: 'failTransfer', params: { failReason: transferFailureOnHangup(event.disconnectedBy) } });
              }
            }),
            {
              type: 'endCall',
              params: ({ event }) => ({
                disconnectedBy: event.disconnectedBy ?? 'disconnected_by_unknown',
                ...(event.failDetails !== undefined ? { failDetails: event.failDetails } : {}),
              }),
            },
            { type: 'participantsTo', params: { status: 'finished' } },
            { type: 'releaseAgent' },
            { type: 'recoverParent' },
            assign({ onHold: false, transferOpen: false }),
          ],
        },
      },
    },
    finished: { type: 'final' },
    failed: {
      on: { recover: { target: 'recovered' } },
    },
    switching: {
      on: {
        retry: { target: 'connecting' },
        hangup: hangupToFailed('eu_canceled', true),
        fail: failToFailed(true),
      },
    },
    recovered: { type: 'final' },
    scheduled: {
      on: {
        dispatch: { target: 'queued', actions: [{ type: 'stamp', params: { field: 'queued_at' } }] },
        reschedule: { actions: [{ type: 'setSchedule', params: ({ event }) => ({ scheduledAt: event.scheduledAt }) }] },
        cancel: {
          target: 'failed',
          actions: [
            { type: 'endCall', params: { failReason: 'eu_canceled' } },
            { type: 'participantsTo', params: { status: 'finished' } },
          ],
        },
      },
    },
    action_only: {
      on: {
        finish_action_only: {
          target: 'action_only_finished',
          actions: [
            { type: 'endCall', params: {} },
            { type: 'participantsTo', params: { status: 'finished' } },
          ],
        },
      },
    },
    action_only_finished: { type: 'final' },
    deflected: {
      on: { start_voicemail: startVoicemail },
    },
    voicemail: {
      on: {
        leave_voicemail: {
          target: 'voicemail_received',
          actions: [
            { type: 'setRecording', params: ({ event }) => ({ recordingUrl: event.recordingUrl }) },
            // A deflected call keeps its deflection; ends_at moves to the end of the voicemail.
            { type: 'endCall', params: {} },
            { type: 'participantsTo', params: { status: 'finished' } },
          ],
        },
        hangup: hangupToFailed('eu_abandoned', false),
      },
    },
    voicemail_received: {
      on: { read_voicemail: { target: 'voicemail_read' } },
    },
    voicemail_read: { type: 'final' },
  },
});

export type CallSnapshot = ReturnType<typeof callMachine.resolveState>;

export interface AppliedEvent {
  status: CallStatus;
  context: CallContext;
  actions: CallEffect[];
}

// Rebuilds the machine's snapshot from a stored call row.
export function snapshotOf(status: CallStatus, context: CallContext = INITIAL_CALL_CONTEXT): CallSnapshot {
  return callMachine.resolveState({ value: status, context: { ...context } });
}

// Whether the status (and the facts on the event) allow the event. An
// unhandled event leaves the snapshot unchanged, so only this is a refusal test.
export function canApply(snapshot: CallSnapshot, event: CallEvent): boolean {
  return snapshot.can(event);
}

// Whether the status has any transition for the type, guards aside: lets the
// service tell "wrong status" from "a guard said no" (e.g. agent busy).
export function acceptsEventType(status: CallStatus, type: CallEventType): boolean {
  return callMachine.root.states[status]?.transitions.has(type) ?? false;
}

// The next status and context, and the effects to carry out in order. Pure.
// `checked`: the caller has just asked canApply (saves computing it twice).
export function applyEvent(snapshot: CallSnapshot, event: CallEvent, options: { checked?: boolean } = {}): AppliedEvent {
  if (!options.checked && !snapshot.can(event)) {
    throw new Error(`Cannot ${event.type} a call in status '${String(snapshot.value)}'`);
  }
  const [next, executable] = transition(callMachine, snapshot, event);
  const actions = executable
    // xstate's own actions (assign, enqueueActions) are not effects.
    .filter((action) => !action.type.startsWith('xstate.'))
    .map((action) => ({ type: action.type, params: { ...(action.params ?? {}) } }) as CallEffect);
  return { status: next.value as CallStatus, context: { ...next.context }, actions };
}
