// One event on one locked call: the machine decides, the effects are carried
// out, the call row and its event-log row are written. Everything is
// deferred: it travels with the next statement the transaction sends, or
// its COMMIT. This is the only code that changes a call's status.
import type { Transaction } from '../../database/transaction';
import { CALL_VIEW_COLUMNS, CallViewRow, callViewFrom } from '../call-view';
import type { EventSource } from './apply-event.command';
import { carryOut } from './call-effects';
import type { LockedCall } from './call-locks';
import { lifecycleError } from './lifecycle-errors';
import { contextOf, eventTime, eventToLog, project } from './machine/call-projection';
import { CallEvent, acceptsEventType, applyEvent, canApply, snapshotOf } from './machine/call.machine';

export interface TransitionOptions {
  source: EventSource;
  dedupeKey?: string | null;
  // Answer the call's view as the event leaves it (a promise settled once
  // the write has been sent). A dedupe key needs no answer here: the view
  // is stored on the log row either way.
  view?: boolean;
  // Facts recorded beside the event's fields in its log row (a provider's
  // event: the provider, its call id, the SIP code and reason).
  annotation?: Record<string, unknown>;
}

export interface Transitioned {
  next: LockedCall; // the call as the event left it, for a next event in the same transaction
  view?: Promise<CallViewRow[]>;
}

// The write of an applied event: the call's columns from the projection,
// last_seq + 1 and its event-log row, in one statement. The log row carries
// the call's view as the event left it (call_view: the outgoing event's
// call, and the answer a retry with the same dedupe key gets); the
// statement answers that view, or not (the scheduler needs no answer).
// Built once per variant: a statement's name is a hash of its text.
const writeEvent = (answer: boolean) => `WITH updated AS (
     UPDATE calls SET status = $2, queued_at = $3, assigned_at = $4, connected_at = $5, ends_at = $6, agent_id = $7, menu_id = $8,
            hold_ms = $9, hold_started_at = $10, voip_provider = $11, fail_reason = $12, fail_details = $13, disconnected_by = $14,
            deflection = $15, deflection_details = $16, voicemail_reason = $17, recording_url = $18,
            offer_events = CASE WHEN $19::jsonb IS NULL THEN offer_events ELSE offer_events || jsonb_build_array($19::jsonb) END,
            scheduled_at = $25, last_seq = last_seq + 1, updated_at = $20
      WHERE id = $1 RETURNING *),
   view AS (SELECT ${CALL_VIEW_COLUMNS} FROM ${callViewFrom('updated')}),
   logged AS (
     INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, event_id, source, call_view, created_at)
     SELECT $1, company_id, last_seq, $21, $22, $2, $23, $24, $26, (SELECT to_json(v) FROM view v), $20 FROM updated)
   ${answer ? 'SELECT * FROM view' : 'SELECT 1 FROM updated'}`;
const WRITE = { answering: writeEvent(true), quiet: writeEvent(false) };

// Applies a resolved event to a call this transaction has locked. Refuses
// (409) what the machine refuses, writing nothing.
export async function transition(tx: Transaction, call: LockedCall, event: CallEvent, options: TransitionOptions): Promise<Transitioned> {
  if (!acceptsEventType(call.status, event.type)) throw lifecycleError('notAllowed', event.type, call.status);
  const snapshot = snapshotOf(call.status, contextOf(call));
  if (!canApply(snapshot, event)) {
    // "Agent is not available" only when the agent's availability alone refused it
    // (a second transfer to a busy agent is refused for the running transfer).
    const agentBusy =
      (event.type === 'assign' && !event.agentAvailable && canApply(snapshot, { ...event, agentAvailable: true })) ||
      (event.type === 'transfer' && event.toAgentId !== undefined && !event.toAgentAvailable && canApply(snapshot, { ...event, toAgentAvailable: true }));
    throw agentBusy ? lifecycleError('agentNotAvailable') : lifecycleError('notAllowed', event.type, call.status);
  }
  const applied = applyEvent(snapshot, event, { checked: true });
  const at = eventTime(call, new Date(call.clock));

  // Effects on other tables, each seeing the call as the effects before it left it.
  let running: LockedCall = call;
  let appendedOffer: { casting_time: string; group: string } | null = null;
  for (const effect of applied.actions) {
    await carryOut(tx, running, effect, at, (t, parent) => recover(t, parent));
    if (effect.type === 'appendOffer') appendedOffer = { casting_time: at.toISOString(), group: effect.params.group };
    running = { ...running, ...project(running, applied.status, [effect], at) };
  }
  const next = project(call, applied.status, applied.actions, at);

  const dedupeKey = options.dedupeKey ?? null;
  const values = [
    call.id, next.status, next.queued_at, next.assigned_at, next.connected_at, next.ends_at, next.agent_id, next.menu_id,
    Math.round(next.hold_ms), next.hold_started_at, next.voip_provider, next.fail_reason, next.fail_details, next.disconnected_by,
    next.deflection, JSON.stringify(next.deflection_details), next.voicemail_reason, next.recording_url,
    appendedOffer ? JSON.stringify(appendedOffer) : null, at, event.type, call.status, JSON.stringify({ ...eventToLog(event), ...options.annotation }), dedupeKey,
    next.scheduled_at, options.source,
  ];
  const after: LockedCall = { ...call, ...next, last_seq: call.last_seq + 1 };
  if (!options.view) {
    tx.defer(WRITE.quiet, values);
    return { next: after };
  }
  return { next: after, view: tx.deferQuery<CallViewRow>(WRITE.answering, values) };
}

// A provider's event that came too late to apply (its leg is no longer the
// call's, or the status no longer takes it: a ringing after connected):
// recorded in the log as stale, from and to the call's status, with its
// dedupe key (a duplicate of it applies nothing either). The call's columns
// do not change; only last_seq moves, as for every log row.
const WRITE_STALE = `WITH updated AS (UPDATE calls SET last_seq = last_seq + 1 WHERE id = $1 RETURNING *),
   view AS (SELECT ${CALL_VIEW_COLUMNS} FROM ${callViewFrom('updated')}),
   logged AS (
     INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, event_id, source, call_view, created_at)
     SELECT $1, company_id, last_seq, $2, status, status, $3, $4, $5, (SELECT to_json(v) FROM view v), $6 FROM updated)
   SELECT * FROM view`;

export function recordStale(tx: Transaction, call: LockedCall, event: CallEvent, options: TransitionOptions): Transitioned {
  const at = eventTime(call, new Date(call.clock));
  const data = { ...eventToLog(event), ...options.annotation, stale: true };
  const view = tx.deferQuery<CallViewRow>(WRITE_STALE, [call.id, event.type, JSON.stringify(data), options.dedupeKey ?? null, options.source, at]);
  return { next: { ...call, last_seq: call.last_seq + 1 }, view };
}

// A callback finished: its parent, failed, is recovered by the engine.
async function recover(tx: Transaction, parent: LockedCall): Promise<void> {
  await transition(tx, parent, { type: 'recover' }, { source: 'engine' });
}
