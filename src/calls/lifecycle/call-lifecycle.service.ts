// The way into a call's lifecycle for every entry point: the CCAI Calls API,
// and later telephony providers, hand it an ApplyCallEvent command.
//
// Following one event: `applyEvent` → the EventCoalescer (event-coalescer.ts;
// on a quiet instance the event goes straight on) → `applyAlone`: one
// transaction locks the call (call-locks.ts), resolves the agents and menus
// the event names (event-references.ts), lets the machine decide and writes
// the call, its effects and its event-log row (call-transition.ts), commits.
// Under load, `applyTogether` does the same for the events of many calls in
// one transaction.
import { Injectable, Optional } from '@nestjs/common';
import { Settled } from '../../common/batches';
import { DomainError } from '../../common/domain-error';
import { violatedConstraint } from '../../common/database-errors';
import { parseId } from '../../common/ids';
import { Database } from '../../database/database';
import { Metrics } from '../../metrics/metrics';
import type { Transaction } from '../../database/transaction';
import { CallChanges } from '../call-changes';
import { callError } from '../call-errors';
import type { CallViewRow } from '../call-view';
import type { ApplyCallEvent } from './apply-event.command';
import { LockMode, LockedCall, RecordedAnswer, answerKey, lockCall, lockCalls } from './call-locks';
import { recordStale, transition } from './call-transition';
import { providerLog, recordLegEvent } from './provider-legs';
import { EventCoalescer, EventApplier, NOT_LOCKED, NotLocked } from './event-coalescer';
import { resolveReferences } from './event-references';
import { LifecycleError, lifecycleError } from './lifecycle-errors';
import type { CallEvent } from './machine/call.machine';

// What applying an event answers: the call as the event left it (or, for a
// dedupe key seen before, what the first application answered).
export interface AppliedEvent {
  answer: RecordedAnswer;
  replayed: boolean;
  // A provider's event recorded as stale: it changed nothing.
  stale?: boolean;
}

// An event applied in a group, its view still to come with the COMMIT; or
// answered without a write (a replay); or refused.
type PendingAnswer = { ok: true; view: Promise<CallViewRow[]>; replayed: boolean } | { ok: true; recorded: RecordedAnswer } | { ok: false; error: unknown };

@Injectable()
export class CallLifecycle implements EventApplier<AppliedEvent> {
  private readonly coalescer = new EventCoalescer<AppliedEvent>(this);

  constructor(
    private readonly db: Database,
    private readonly changes: CallChanges,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async applyEvent(command: ApplyCallEvent): Promise<AppliedEvent> {
    try {
      if (!parseId(command.callId)) throw callError('callNotFound', command.callId);
      const applied = await this.coalescer.submit(command);
      this.metrics?.event(command.event.type, command.source, 'applied');
      return applied;
    } catch (error) {
      if (error instanceof DomainError) this.metrics?.event(command.event.type, command.source, 'refused');
      throw error;
    }
  }

  // Events of one call received and not answered yet (for metrics and tests).
  eventsPending(companyId: string, callId: string): number {
    return this.coalescer.pending(companyId, callId);
  }

  // Calls whose events wait for a group to take them (all groups busy).
  callsWaitingForAGroup(): number {
    return this.coalescer.callsWaitingForAGroup;
  }

  // The plain path: one event, one transaction.
  async applyAlone(command: ApplyCallEvent, mode: LockMode): Promise<AppliedEvent | NotLocked> {
    const { companyId, callId, dedupeKey } = command;
    try {
      return await this.db.transaction(async (tx) => {
        const locked = await lockCall(tx, companyId, callId, { dedupeKey, mode });
        if (!locked) {
          if (mode === 'skip') return NOT_LOCKED; // held elsewhere, or missing: the waiting path tells
          throw callError('callNotFound', callId);
        }
        if (locked.recorded) return { answer: locked.recorded, replayed: true };
        if (command.provider) return await this.applyProviders(tx, command, locked.call);
        const event = await resolveReferences(tx, companyId, command.event, locked.call);
        const { view } = await transition(tx, locked.call, event, { source: command.source, dedupeKey, view: true });
        this.announce(tx, companyId);
        await tx.commit();
        return { answer: { view: (await view!)[0] }, replayed: false };
      });
    } catch (error) {
      // The database's own guard: an agent on two live calls at once.
      if (violatedConstraint(error) === 'calls_one_live_call_per_agent') throw lifecycleError('agentNotAvailable');
      throw error;
    }
  }

  // A provider's event: its leg's record moves on, and the event applies,
  // or, when its leg is no longer the call's or the status no longer takes
  // it, is recorded as stale. Either way it is in the call's log, with the
  // provider's facts.
  private async applyProviders(tx: Transaction, command: ApplyCallEvent, call: LockedCall): Promise<AppliedEvent> {
    const facts = command.provider!;
    const current = await recordLegEvent(tx, call.id, facts);
    const event = command.event as CallEvent;
    const options = { source: command.source, dedupeKey: command.dedupeKey, view: true, annotation: { provider: providerLog(facts) } };
    let outcome: { view?: Promise<CallViewRow[]> };
    let stale = false;
    const mark = tx.mark();
    try {
      if (!current) throw lifecycleError('notAllowed', event.type, call.status);
      outcome = await transition(tx, call, event, options);
    } catch (error) {
      if (!(error instanceof LifecycleError) || tx.mark() !== mark) throw error;
      outcome = recordStale(tx, call, event, options);
      stale = true;
    }
    this.announce(tx, command.companyId);
    await tx.commit();
    return { answer: { view: (await outcome.view!)[0] }, replayed: false, stale };
  }

  // Self-contained events of several calls (each call's in arrival order) in
  // one transaction: the calls locked in one statement, in id order, each
  // carried from one of its events to the next in memory. Every write travels
  // with the COMMIT. An event the machine refuses gets its error and writes
  // nothing. Each event is stamped with the database's clock at the lock plus
  // the time elapsed here since.
  //
  // Calls are worked through in id order, so a parent comes before its
  // callback (created after it): a callback's `recover` of its parent sees
  // the parent's events of this group written.
  async applyTogether(calls: ApplyCallEvent[][]): Promise<Array<Array<Settled<AppliedEvent>> | NotLocked>> {
    const answers = await this.db.transaction(async (tx) => {
      const keys = calls.flat().flatMap((e) => (e.dedupeKey === null ? [] : [{ callId: e.callId, dedupeKey: e.dedupeKey }]));
      const { calls: locked, recorded } = await lockCalls(tx, calls.map((events) => events[0].callId), keys);
      const lockedAt = performance.now();
      const pending = new Map<ApplyCallEvent[], PendingAnswer[]>();
      for (const events of [...calls].sort((a, b) => compareIds(a[0].callId, b[0].callId))) {
        const call = locked.get(events[0].callId);
        if (call && call.company_id === events[0].companyId) pending.set(events, await this.applyCallsEvents(tx, call, events, lockedAt, recorded));
      }
      if (pending.size > 0) this.announce(tx, ...new Set([...pending.keys()].map((events) => events[0].companyId)));
      return calls.map((events) => pending.get(events) ?? NOT_LOCKED);
    });
    // Committed: every deferred view has come back with the COMMIT.
    return Promise.all(
      answers.map(async (events) =>
        events === NOT_LOCKED
          ? NOT_LOCKED
          : Promise.all(
              events.map(async (answer): Promise<Settled<AppliedEvent>> => {
                if (!answer.ok) return answer;
                if ('recorded' in answer) return { ok: true, value: { answer: answer.recorded, replayed: true } };
                return { ok: true, value: { answer: { view: (await answer.view)[0] }, replayed: answer.replayed } };
              }),
            ),
      ),
    );
  }

  // One call's events, locked at `lockedAt`, in a group: each answered from
  // its dedupe key, refused (nothing written) or applied on the call as the
  // events before it left it.
  private async applyCallsEvents(
    tx: Transaction,
    locked: LockedCall,
    events: ApplyCallEvent[],
    lockedAt: number,
    recorded: Map<string, RecordedAnswer>,
  ): Promise<PendingAnswer[]> {
    let call = locked;
    const answers: PendingAnswer[] = [];
    const keyed = new Map<string, PendingAnswer>(); // dedupe keys applied in this group
    for (const command of events) {
      const key = command.dedupeKey === null ? null : answerKey(command.callId, command.dedupeKey);
      // The same key twice in this group: the second answers as the first.
      const seen = key === null ? undefined : keyed.get(key);
      if (seen) {
        answers.push(seen.ok && 'view' in seen ? { ...seen, replayed: true } : seen);
        continue;
      }
      const stored = key === null ? undefined : recorded.get(key);
      if (stored) {
        answers.push({ ok: true, recorded: stored });
        continue;
      }
      const mark = tx.mark();
      try {
        const event = await resolveReferences(tx, command.companyId, command.event, call);
        const clock = new Date(locked.clock.getTime() + Math.floor(performance.now() - lockedAt));
        const applied = await transition(tx, { ...call, clock }, event, { source: command.source, dedupeKey: command.dedupeKey, view: true });
        call = applied.next;
        const answer: PendingAnswer = { ok: true, view: applied.view!, replayed: false };
        answers.push(answer);
        if (key !== null) keyed.set(key, answer);
      } catch (error) {
        // A refusal that wrote nothing is this event's answer; anything
        // else fails the group (rolled back, then applied one by one).
        if (!(error instanceof DomainError) || tx.mark() !== mark) throw error;
        answers.push({ ok: false, error });
      }
    }
    return answers;
  }

  // Once committed, the companies whose event logs grew are told (the
  // outgoing events' readers wake up).
  private announce(tx: Transaction, ...companyIds: string[]): void {
    tx.afterCommit(() => this.changes.committed(companyIds));
  }
}

// Ids as parseId lets them in (no leading zeros), in numeric order.
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
