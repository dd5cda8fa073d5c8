import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CALL_EVENT_TYPES,
  CALL_STATUSES,
  CallContext,
  CallEffect,
  CallEvent,
  CallEventType,
  CallStatus,
  FINAL_STATUSES,
  LIVE_STATUSES,
  acceptsEventType,
  applyEvent,
  callMachine,
  canApply,
  snapshotOf,
} from './call.machine';
import { lifecyclePaths } from '../../../../test/support/lifecycle-paths';
import { lifecycleRow, lifecycleRowKey, lifecycleTable, renderLifecycleMarkdown } from './lifecycle-table';

// The spec's event table (shared spec lifecycle.md), written out by hand: the
// independent check of the machine. [from, event, to, guard?]
const SPEC_TRANSITIONS: Array<[CallStatus, CallEventType, CallStatus, string?]> = [
  ['selecting', 'select_menu', 'selecting', 'not menuIsLeaf'],
  ['selecting', 'select_menu', 'queued', 'menuIsLeaf'],
  ['scheduled', 'dispatch', 'queued'],
  ['scheduled', 'cancel', 'failed'],
  // Issue 5's rescheduling; not in the spec's table.
  ['scheduled', 'reschedule', 'scheduled'],
  ['queued', 'offer', 'queued'],
  ['queued', 'assign', 'assigned', 'agentAvailable'],
  ['assigned', 'decline', 'queued'],
  ['assigned', 'connect', 'connecting'],
  ['connecting', 'provider_failed', 'switching'],
  ['switching', 'retry', 'connecting'],
  ['connecting', 'connected', 'connected'],
  // Telephony (shared spec telephony.md): recorded, nothing changes.
  ['connecting', 'ringing', 'connecting'],
  ['connected', 'dtmf', 'connected'],
  ['connected', 'hold', 'connected', 'notOnHold'],
  ['connected', 'unhold', 'connected', 'onHold'],
  ['connected', 'transfer', 'connected', 'noTransferRunning and transferTargetAvailable'],
  ['connected', 'transfer_completed', 'connected', 'transferRunning'],
  ['connected', 'transfer_failed', 'connected', 'transferRunning'],
  ['connected', 'hangup', 'finished'],
  ['selecting', 'hangup', 'failed'],
  ['queued', 'hangup', 'failed'],
  ['assigned', 'hangup', 'failed'],
  ['connecting', 'hangup', 'failed'],
  ['switching', 'hangup', 'failed'],
  ['selecting', 'fail', 'failed'],
  ['queued', 'fail', 'failed'],
  ['assigned', 'fail', 'failed'],
  ['connecting', 'fail', 'failed'],
  ['switching', 'fail', 'failed'],
  ['selecting', 'deflect', 'deflected'],
  ['queued', 'deflect', 'deflected'],
  ['queued', 'start_voicemail', 'voicemail'],
  ['deflected', 'start_voicemail', 'voicemail'],
  ['voicemail', 'leave_voicemail', 'voicemail_received'],
  ['voicemail', 'hangup', 'failed'],
  ['voicemail_received', 'read_voicemail', 'voicemail_read'],
  ['action_only', 'finish_action_only', 'action_only_finished'],
  ['failed', 'recover', 'recovered'],
];

const specPairs = new Set(SPEC_TRANSITIONS.map(([from, event]) => `${from}:${event}`));
const triple = (from: string, event: string, to: string) => `${from} --${event}--> ${to}`;

const ctx = (onHold = false, transferOpen = false): CallContext => ({ onHold, transferOpen });
const ALL_CONTEXTS = [ctx(false, false), ctx(true, false), ctx(false, true), ctx(true, true)];

// Every event type with its fact variants, for the refusal sweep.
const SAMPLES: Record<CallEventType, CallEvent[]> = {
  select_menu: [
    { type: 'select_menu', menuId: 2, menuIsLeaf: false },
    { type: 'select_menu', menuId: 3, menuIsLeaf: true },
  ],
  dispatch: [{ type: 'dispatch' }],
  cancel: [{ type: 'cancel' }],
  reschedule: [{ type: 'reschedule', scheduledAt: '2030-01-01T10:00:00.000Z' }],
  offer: [{ type: 'offer', group: 'g1' }],
  assign: [
    { type: 'assign', agentId: 7, agentAvailable: true },
    { type: 'assign', agentId: 7, agentAvailable: false },
  ],
  decline: [{ type: 'decline' }],
  connect: [{ type: 'connect' }],
  provider_failed: [{ type: 'provider_failed', voipProvider: 'voip_provider_nexmo' }],
  retry: [{ type: 'retry' }],
  ringing: [{ type: 'ringing' }],
  connected: [{ type: 'connected' }],
  dtmf: [{ type: 'dtmf', digits: '1' }],
  hold: [{ type: 'hold' }],
  unhold: [{ type: 'unhold' }],
  transfer: [
    { type: 'transfer', toAgentId: 8, toAgentAvailable: true },
    { type: 'transfer', toAgentId: 8, toAgentAvailable: false },
    { type: 'transfer', toMenuId: 4 },
  ],
  transfer_completed: [{ type: 'transfer_completed' }],
  transfer_failed: [{ type: 'transfer_failed', failReason: 'transfer_expired' }],
  hangup: [{ type: 'hangup', disconnectedBy: 'disconnected_by_end_user' }, { type: 'hangup' }],
  fail: [{ type: 'fail', failReason: 'expired', failDetails: 'timeout' }],
  deflect: [{ type: 'deflect', deflection: 'after_hours', deflectionDetails: [] }],
  start_voicemail: [{ type: 'start_voicemail', voicemailReason: 'after_hours' }],
  leave_voicemail: [{ type: 'leave_voicemail', recordingUrl: 'https://rec/1.mp3' }],
  read_voicemail: [{ type: 'read_voicemail', agentId: 7 }],
  finish_action_only: [{ type: 'finish_action_only' }],
  recover: [{ type: 'recover' }],
};

interface Case {
  name: string;
  from: CallStatus;
  context?: CallContext;
  event: CallEvent;
  to: CallStatus;
  nextContext?: CallContext;
  actions: CallEffect[];
}

const finishAll: CallEffect = { type: 'participantsTo', params: { status: 'finished' } };
const release: CallEffect = { type: 'releaseAgent', params: {} };
const endUserHangup: CallEvent = { type: 'hangup', disconnectedBy: 'disconnected_by_end_user' };
const failEvent: CallEvent = { type: 'fail', failReason: 'voip_conn_timeout', failDetails: 'no media' };
const failEnd: CallEffect = { type: 'endCall', params: { failReason: 'voip_conn_timeout', failDetails: 'no media' } };
const hangupEnd = (failReason: 'eu_in_menu_abandoned' | 'eu_abandoned' | 'eu_canceled'): CallEffect => ({
  type: 'endCall',
  params: { failReason, disconnectedBy: 'disconnected_by_end_user' },
});

const CASES: Case[] = [
  {
    name: 'select_menu to a non-leaf stays selecting',
    from: 'selecting',
    event: { type: 'select_menu', menuId: 2, menuIsLeaf: false },
    to: 'selecting',
    actions: [{ type: 'setMenu', params: { menuId: 2 } }],
  },
  {
    name: 'select_menu to a leaf queues the call',
    from: 'selecting',
    event: { type: 'select_menu', menuId: 3, menuIsLeaf: true },
    to: 'queued',
    actions: [
      { type: 'setMenu', params: { menuId: 3 } },
      { type: 'stamp', params: { field: 'queued_at' } },
    ],
  },
  {
    name: 'dispatch queues a scheduled call',
    from: 'scheduled',
    event: { type: 'dispatch' },
    to: 'queued',
    actions: [{ type: 'stamp', params: { field: 'queued_at' } }],
  },
  {
    name: 'reschedule moves a scheduled call to another time',
    from: 'scheduled',
    event: { type: 'reschedule', scheduledAt: '2030-01-01T10:00:00.000Z' },
    to: 'scheduled',
    actions: [{ type: 'setSchedule', params: { scheduledAt: '2030-01-01T10:00:00.000Z' } }],
  },
  {
    name: 'cancel fails a scheduled call with eu_canceled',
    from: 'scheduled',
    event: { type: 'cancel' },
    to: 'failed',
    actions: [{ type: 'endCall', params: { failReason: 'eu_canceled' } }, finishAll],
  },
  {
    name: 'offer appends an offer event',
    from: 'queued',
    event: { type: 'offer', group: 'g1' },
    to: 'queued',
    actions: [{ type: 'appendOffer', params: { group: 'g1' } }],
  },
  {
    name: 'assign to an available agent',
    from: 'queued',
    event: { type: 'assign', agentId: 7, agentAvailable: true },
    to: 'assigned',
    actions: [
      { type: 'stamp', params: { field: 'assigned_at' } },
      { type: 'assignAgent', params: { agentId: 7 } },
    ],
  },
  {
    name: 'decline sends the call back to the queue',
    from: 'assigned',
    event: { type: 'decline' },
    to: 'queued',
    actions: [
      { type: 'agentParticipantFails', params: { failReason: 'ag_ignored' } },
      release,
      { type: 'clearAgent', params: {} },
      { type: 'stamp', params: { field: 'queued_at', onlyIfUnset: true } },
    ],
  },
  {
    name: 'connect',
    from: 'assigned',
    event: { type: 'connect' },
    to: 'connecting',
    actions: [{ type: 'participantsTo', params: { status: 'connecting' } }],
  },
  {
    name: 'provider_failed switches provider',
    from: 'connecting',
    event: { type: 'provider_failed', voipProvider: 'voip_provider_nexmo' },
    to: 'switching',
    actions: [{ type: 'setVoipProvider', params: { voipProvider: 'voip_provider_nexmo' } }],
  },
  { name: 'retry', from: 'switching', event: { type: 'retry' }, to: 'connecting', actions: [] },
  { name: 'ringing is recorded, nothing changes', from: 'connecting', event: { type: 'ringing' }, to: 'connecting', actions: [] },
  { name: 'dtmf is recorded, nothing changes', from: 'connected', event: { type: 'dtmf', digits: '5' }, to: 'connected', actions: [] },
  {
    name: 'connected',
    from: 'connecting',
    event: { type: 'connected' },
    to: 'connected',
    actions: [
      { type: 'stamp', params: { field: 'connected_at' } },
      { type: 'participantsTo', params: { status: 'connected' } },
    ],
  },
  {
    name: 'hold opens a hold interval',
    from: 'connected',
    event: { type: 'hold' },
    to: 'connected',
    nextContext: ctx(true, false),
    actions: [{ type: 'openHold', params: {} }],
  },
  {
    name: 'unhold closes it',
    from: 'connected',
    context: ctx(true, false),
    event: { type: 'unhold' },
    to: 'connected',
    nextContext: ctx(false, false),
    actions: [{ type: 'closeHold', params: {} }],
  },
  {
    name: 'transfer to an available agent',
    from: 'connected',
    event: { type: 'transfer', toAgentId: 8, toAgentAvailable: true },
    to: 'connected',
    nextContext: ctx(false, true),
    actions: [{ type: 'openTransfer', params: { toAgentId: 8 } }],
  },
  {
    name: 'transfer to a menu, while on hold',
    from: 'connected',
    context: ctx(true, false),
    event: { type: 'transfer', toMenuId: 4 },
    to: 'connected',
    nextContext: ctx(true, true),
    actions: [{ type: 'openTransfer', params: { toMenuId: 4 } }],
  },
  {
    name: 'transfer_completed',
    from: 'connected',
    context: ctx(false, true),
    event: { type: 'transfer_completed' },
    to: 'connected',
    nextContext: ctx(false, false),
    actions: [{ type: 'completeTransfer', params: {} }],
  },
  {
    name: 'transfer_failed',
    from: 'connected',
    context: ctx(false, true),
    event: { type: 'transfer_failed', failReason: 'transfer_expired' },
    to: 'connected',
    nextContext: ctx(false, false),
    actions: [{ type: 'failTransfer', params: { failReason: 'transfer_expired' } }],
  },
  {
    name: 'hangup from connected finishes the call',
    from: 'connected',
    event: { type: 'hangup', disconnectedBy: 'disconnected_by_agent' },
    to: 'finished',
    actions: [
      { type: 'endCall', params: { disconnectedBy: 'disconnected_by_agent' } },
      finishAll,
      release,
      { type: 'recoverParent', params: {} },
    ],
  },
  {
    name: 'hangup from connected closes an open hold and fails a running transfer first',
    from: 'connected',
    context: ctx(true, true),
    event: endUserHangup,
    to: 'finished',
    nextContext: ctx(false, false),
    actions: [
      { type: 'closeHold', params: {} },
      { type: 'failTransfer', params: { failReason: 'eu_canceled' } },
      { type: 'endCall', params: { disconnectedBy: 'disconnected_by_end_user' } },
      finishAll,
      release,
      { type: 'recoverParent', params: {} },
    ],
  },
  {
    name: 'hangup without disconnected_by records disconnected_by_unknown',
    from: 'connected',
    event: { type: 'hangup' },
    to: 'finished',
    actions: [
      { type: 'endCall', params: { disconnectedBy: 'disconnected_by_unknown' } },
      finishAll,
      release,
      { type: 'recoverParent', params: {} },
    ],
  },
  {
    name: 'hangup in the menu',
    from: 'selecting',
    event: endUserHangup,
    to: 'failed',
    actions: [hangupEnd('eu_in_menu_abandoned'), finishAll],
  },
  { name: 'hangup in the queue', from: 'queued', event: endUserHangup, to: 'failed', actions: [hangupEnd('eu_abandoned'), finishAll] },
  ...(['assigned', 'connecting', 'switching'] as const).map(
    (from): Case => ({
      name: `hangup while ${from}`,
      from,
      event: endUserHangup,
      to: 'failed',
      actions: [hangupEnd('eu_canceled'), finishAll, release],
    }),
  ),
  ...(['selecting', 'queued'] as const).map(
    (from): Case => ({ name: `fail while ${from}`, from, event: failEvent, to: 'failed', actions: [failEnd, finishAll] }),
  ),
  ...(['assigned', 'connecting', 'switching'] as const).map(
    (from): Case => ({
      name: `fail while ${from} frees the agent`,
      from,
      event: failEvent,
      to: 'failed',
      actions: [failEnd, finishAll, release],
    }),
  ),
  ...(['selecting', 'queued'] as const).map(
    (from): Case => ({
      name: `deflect from ${from}`,
      from,
      event: { type: 'deflect', deflection: 'over_capacity', deflectionDetails: [{ option: 'voicemail' }] },
      to: 'deflected',
      actions: [
        { type: 'setDeflection', params: { deflection: 'over_capacity', deflectionDetails: [{ option: 'voicemail' }] } },
        { type: 'endCall', params: {} },
        finishAll,
      ],
    }),
  ),
  ...(['queued', 'deflected'] as const).map(
    (from): Case => ({
      name: `start_voicemail from ${from}`,
      from,
      event: { type: 'start_voicemail', voicemailReason: 'over_capacity' },
      to: 'voicemail',
      actions: [{ type: 'setVoicemail', params: { voicemailReason: 'over_capacity' } }],
    }),
  ),
  {
    name: 'leave_voicemail',
    from: 'voicemail',
    event: { type: 'leave_voicemail', recordingUrl: 'https://rec/1.mp3' },
    to: 'voicemail_received',
    actions: [{ type: 'setRecording', params: { recordingUrl: 'https://rec/1.mp3' } }, { type: 'endCall', params: {} }, finishAll],
  },
  {
    name: 'hangup during the voicemail',
    from: 'voicemail',
    event: endUserHangup,
    to: 'failed',
    actions: [hangupEnd('eu_abandoned'), finishAll],
  },
  {
    name: 'read_voicemail',
    from: 'voicemail_received',
    event: { type: 'read_voicemail', agentId: 7 },
    to: 'voicemail_read',
    actions: [],
  },
  {
    name: 'finish_action_only',
    from: 'action_only',
    event: { type: 'finish_action_only' },
    to: 'action_only_finished',
    actions: [{ type: 'endCall', params: {} }, finishAll],
  },
  { name: 'recover', from: 'failed', event: { type: 'recover' }, to: 'recovered', actions: [] },
];

// Events the status allows but a guard refuses: [name, status, context, event].
const GUARD_REFUSALS: Array<[string, CallStatus, CallContext, CallEvent]> = [
  ['assign to a busy agent', 'queued', ctx(), { type: 'assign', agentId: 7, agentAvailable: false }],
  ['hold while on hold', 'connected', ctx(true, false), { type: 'hold' }],
  ['unhold while not on hold', 'connected', ctx(), { type: 'unhold' }],
  ['transfer while a transfer runs', 'connected', ctx(false, true), { type: 'transfer', toMenuId: 4 }],
  ['transfer to a busy agent', 'connected', ctx(), { type: 'transfer', toAgentId: 8, toAgentAvailable: false }],
  ['transfer to an agent of unknown availability', 'connected', ctx(), { type: 'transfer', toAgentId: 8 }],
  ['transfer_completed with no transfer', 'connected', ctx(), { type: 'transfer_completed' }],
  ['transfer_failed with no transfer', 'connected', ctx(), { type: 'transfer_failed', failReason: 'transfer_expired' }],
];

describe('call machine', () => {
  describe.each(CASES)('$name ($from)', ({ from, context = ctx(), event, to, nextContext, actions }) => {
    it(`goes to ${to} with its effects`, () => {
      const snapshot = snapshotOf(from, context);
      expect(canApply(snapshot, event)).toBe(true);
      expect(acceptsEventType(from, event.type)).toBe(true);
      const applied = applyEvent(snapshot, event);
      expect(applied.status).toBe(to);
      expect(applied.context).toStrictEqual(nextContext ?? context);
      expect(applied.actions).toStrictEqual(actions);
    });
  });

  it('has a case for every row of the spec', () => {
    const tested = new Set(CASES.map((c) => triple(c.from, c.event.type, c.to)));
    expect(SPEC_TRANSITIONS.map(([from, event, to]) => triple(from, event, to)).filter((t) => !tested.has(t))).toEqual([]);
  });

  it.each(GUARD_REFUSALS)('refuses %s, though the status takes the event type', (_name, status, context, event) => {
    const snapshot = snapshotOf(status, context);
    expect(canApply(snapshot, event)).toBe(false);
    expect(acceptsEventType(status, event.type)).toBe(true);
    expect(() => applyEvent(snapshot, event)).toThrow(`Cannot ${event.type} a call in status '${status}'`);
  });

  it('refuses every (status, event) pair the spec does not list, whatever the facts and context', () => {
    const accepted: string[] = [];
    for (const status of CALL_STATUSES) {
      for (const type of CALL_EVENT_TYPES) {
        if (specPairs.has(`${status}:${type}`)) continue;
        if (acceptsEventType(status, type)) accepted.push(`${status}:${type} (type)`);
        for (const context of ALL_CONTEXTS) {
          for (const event of SAMPLES[type]) {
            if (canApply(snapshotOf(status, context), event)) accepted.push(`${status}:${type} ${JSON.stringify(event)}`);
          }
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  it.each([...FINAL_STATUSES])('final status %s accepts nothing', (status) => {
    for (const context of ALL_CONTEXTS) {
      const snapshot = snapshotOf(status, context);
      expect(snapshot.status).toBe('done');
      for (const event of Object.values(SAMPLES).flat()) expect(canApply(snapshot, event)).toBe(false);
    }
    for (const type of CALL_EVENT_TYPES) expect(acceptsEventType(status, type)).toBe(false);
  });

  it('frees the agent exactly when a call leaves the live statuses', () => {
    const live = (status: CallStatus) => (LIVE_STATUSES as readonly string[]).includes(status);
    for (const c of CASES) {
      const releases = c.actions.some((a) => a.type === 'releaseAgent');
      expect({ case: c.name, releases }).toEqual({ case: c.name, releases: live(c.from) && !live(c.to) });
    }
  });
});

describe('lifecycle table', () => {
  it('has exactly the spec transitions, with their guards', () => {
    const table = lifecycleTable();
    const rows = table.transitions.map((t) => `${triple(t.from, t.event, t.to)} [${t.guard ?? ''}]`);
    const expected = SPEC_TRANSITIONS.map(([from, event, to, guard]) => `${triple(from, event, to)} [${guard ?? ''}]`);
    expect([...rows].sort()).toEqual([...expected].sort());
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('lists the sixteen statuses, the start statuses and the final ones', () => {
    const table = lifecycleTable();
    expect(table.states).toEqual([...CALL_STATUSES]);
    expect([...table.initial].sort()).toEqual(['action_only', 'assigned', 'queued', 'scheduled', 'selecting']);
    expect([...table.final].sort()).toEqual([...FINAL_STATUSES].sort());
  });

  it("lists the transitions in the spec's order: by status, then by event", () => {
    const { transitions } = lifecycleTable();
    const rank = (t: { from: string; event: string }) => [CALL_STATUSES.indexOf(t.from as never), CALL_EVENT_TYPES.indexOf(t.event as never)];
    for (let i = 1; i < transitions.length; i++) {
      const [a, b] = [rank(transitions[i - 1]), rank(transitions[i])];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1])).toBe(true);
    }
  });

  it('docs/lifecycle.md is up to date', () => {
    const path = join(__dirname, '..', '..', '..', '..', 'docs', 'lifecycle.md');
    const onDisk = readFileSync(path, 'utf8');
    const fresh = renderLifecycleMarkdown(lifecycleTable());
    expect(onDisk === fresh ? 'up to date' : 'docs/lifecycle.md is stale: run `npm run docs:lifecycle`').toBe('up to date');
  });
});

describe('lifecycle paths', () => {
  it('take every transition of the table at least once, each step accepted', () => {
    const taken = new Set<string>();
    for (const path of lifecyclePaths()) {
      let snapshot = snapshotOf(path.start);
      for (const step of path.steps) {
        expect(step.from).toBe(snapshot.value);
        expect(canApply(snapshot, step.event)).toBe(true);
        const [definition] = callMachine.getTransitionData(snapshot, step.event);
        taken.add(lifecycleRowKey(lifecycleRow(definition)));
        const applied = applyEvent(snapshot, step.event);
        expect(applied.status).toBe(step.to);
        snapshot = snapshotOf(applied.status, applied.context);
      }
    }
    const all = lifecycleTable().transitions.map(lifecycleRowKey);
    expect(all.filter((key) => !taken.has(key))).toEqual([]);
    expect(taken.size).toBe(all.length);
  });

  it('start from start statuses', () => {
    for (const path of lifecyclePaths()) {
      expect(['assigned', 'queued', 'scheduled', 'selecting', 'action_only']).toContain(path.start);
      expect(path.steps.length).toBeGreaterThan(0);
    }
  });
});
