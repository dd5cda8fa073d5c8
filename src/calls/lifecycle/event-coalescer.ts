// Concurrent events share transactions. This is a fast path only: what a
// call does is decided in call-transition.ts, whichever way an event comes.
//
// - Per call: events for one call queue here in arrival order instead of
//   each holding a pooled connection while it waits for the row lock, so a
//   flooded call takes one connection, not the pool. Events that queued
//   behind a running one are applied together, in one transaction.
// - Across calls: at most GROUPS_AT_ONCE transactions of self-contained
//   events run at once (per instance). An event that finds one free runs at
//   once, alone, on the plain path; while all are busy, the calls whose
//   events arrive queue, and the next free one takes up to MAX_GROUP of them
//   together. A quiet instance adds no wait; a busy one pays BEGIN, the lock
//   statement and COMMIT once per group rather than once per event.
//
// Events that look up another row (LOOKS_UP: an agent, a menu) always run
// alone and wait for their locks. A group never waits for a call's row lock:
// a call another transaction holds is left out (NOT_LOCKED) and its events
// run alone, waiting for the lock there, so one held row cannot stall the
// events of other calls. A group the database refuses is rolled back and its
// events applied one by one; only when the connection was lost during
// COMMIT (outcome unknown) do they fail without a retry.
import { Batches, KeyedBatches, Settled, settle } from '../../common/batches';
import { CommitOutcomeUnknownError } from '../../database/transaction';
import type { ApplyCallEvent } from './apply-event.command';
import type { LockMode } from './call-locks';
import { runsAlone } from './event-references';

export const GROUPS_AT_ONCE = 2;
// At most this many queued events of one call, and this many calls, share a transaction.
const MAX_BATCH = 50;
const MAX_GROUP = 50;

export const NOT_LOCKED = Symbol('not locked');
export type NotLocked = typeof NOT_LOCKED;

// The two ways the lifecycle applies events, each in a transaction of its own.
export interface EventApplier<R> {
  // One event: lock its call (waiting for the lock, or not: NOT_LOCKED),
  // apply, commit.
  applyAlone(event: ApplyCallEvent, mode: LockMode): Promise<R | NotLocked>;
  // Several calls' events: the calls locked in one statement (skipping held
  // ones), each call's events in order, one COMMIT. Throws when the
  // transaction failed as a whole.
  applyTogether(calls: ApplyCallEvent[][]): Promise<Array<Array<Settled<R>> | NotLocked>>;
}

export class EventCoalescer<R> {
  private readonly perCall = new KeyedBatches<ApplyCallEvent, R>({
    maxBatch: MAX_BATCH,
    batchable: (event) => !runsAlone(event),
    run: (events) => this.runForCall(events),
  });

  private readonly groups = new Batches<ApplyCallEvent[], Array<Settled<R>> | NotLocked>({
    concurrency: GROUPS_AT_ONCE,
    maxBatch: MAX_GROUP,
    run: (calls) => this.runGroup(calls),
  });

  constructor(private readonly applier: EventApplier<R>) {}

  submit(event: ApplyCallEvent): Promise<R> {
    return this.perCall.submit(callKey(event.companyId, event.callId), event);
  }

  // Events of one call received and not answered yet (for metrics and tests).
  pending(companyId: string, callId: string): number {
    return this.perCall.pending(callKey(companyId, callId));
  }

  // Calls whose events wait for a group to take them (all groups busy).
  get callsWaitingForAGroup(): number {
    return this.groups.waiting;
  }

  // A batch is one event that must run alone, or self-contained events.
  private async runForCall(events: ApplyCallEvent[]): Promise<Array<Settled<R>>> {
    if (!runsAlone(events[0])) {
      try {
        const grouped = await this.groups.submit(events);
        if (grouped !== NOT_LOCKED) return grouped;
      } catch (error) {
        // Unless the COMMIT may have gone through, nothing of the group was
        // written: the events are applied one by one below.
        if (error instanceof CommitOutcomeUnknownError) return events.map(() => ({ ok: false, error }));
      }
    }
    const outcomes: Array<Settled<R>> = [];
    for (const event of events) outcomes.push(await settle(() => this.alone(event)));
    return outcomes;
  }

  private async alone(event: ApplyCallEvent): Promise<R> {
    const outcome = await this.applier.applyAlone(event, 'wait');
    if (outcome === NOT_LOCKED) throw new Error('a call locked with waiting cannot be skipped');
    return outcome;
  }

  private async runGroup(calls: ApplyCallEvent[][]): Promise<Array<Settled<Array<Settled<R>> | NotLocked>>> {
    // The quiet case, one event of one call: the plain path, without
    // waiting for the call's lock.
    if (calls.length === 1 && calls[0].length === 1) {
      const outcome = await settle(() => this.applier.applyAlone(calls[0][0], 'skip'));
      if (outcome.ok && outcome.value === NOT_LOCKED) return [{ ok: true, value: NOT_LOCKED }];
      return [{ ok: true, value: [outcome as Settled<R>] }];
    }
    return (await this.applier.applyTogether(calls)).map((value) => ({ ok: true, value }));
  }
}

const callKey = (companyId: string, callId: string) => `${companyId}:${callId}`;
