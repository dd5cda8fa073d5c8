import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/api-error';
import { violatedConstraint } from '../../common/database-errors';
import { CommitOutcomeUnknownError, Transaction } from '../../database/transaction';
import { CallMessages } from '../call-messages';
import { CALL_VIEW_COLUMNS, callViewFrom } from '../call-view.sql';
import { CallObject, CallViewRow, presentCall } from '../call.presenter';
import { menuIsAfterHoursAt } from '../../menus/business-hours';
import { ClientEvent, LifecycleMessages as M, parseEventRequest } from './call-event-input';
import { CallProjection, contextOf, eventTime, eventToLog, project } from './call-projection';
import { CallEffect, CallEvent, acceptsEventType, applyEvent, canApply, snapshotOf } from './call.machine';
import { parseId } from '../../common/ids';
import { Batches, KeyedBatches, Settled, settle } from '../../common/batches';

// A call row locked for an event, with what the machine and the reducer need.
export interface LockedCall extends CallProjection {
  id: string;
  company_id: string;
  parent_id: string | null;
  last_seq: number;
  clock: Date; // the database's clock when the lock was taken
}

// One client event waiting for its call.
interface EventJob {
  companyId: string;
  callId: string;
  input: ClientEvent;
  eventId: string | null;
}

type AppliedEvent = { call: CallObject; replayed: boolean };

// Client events that look up (and may lock) another row before the machine
// decides: an agent, a menu (see resolve). The others need nothing but the
// locked call; only those share a batch, so a batch locks nothing but its
// call (and, for a finished callback, the parent: always call → parent).
const LOOKS_UP = new Set<string>(['assign', 'read_voicemail', 'transfer', 'select_menu', 'reschedule']);

// At most this many queued events of one call share a transaction.
const MAX_BATCH = 50;

// Self-contained events of different calls share transactions too: at most
// GROUPS_AT_ONCE such transactions run at once (per instance), each over at
// most MAX_GROUP calls.
export const GROUPS_AT_ONCE = 2;
const MAX_GROUP = 50;

// What a group answers for one call's events: an outcome per event, or that
// the call was not locked and its events must run on their own.
const NOT_LOCKED = Symbol('not locked');
type GroupOutcome = Array<Settled<AppliedEvent>> | typeof NOT_LOCKED;

// An event applied in a group, its view still to come with the COMMIT, or refused.
type PendingAnswer = { ok: true; view: Promise<CallViewRow[]> } | { ok: false; error: unknown };

// Ids as parseId lets them in (no leading zeros), in numeric order.
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function isSelfContained(job: EventJob): boolean {
  return job.eventId === null && !LOOKS_UP.has(job.input.type);
}

const LOCK_COLUMNS = `
  c.id, c.company_id, c.parent_id, c.status, c.created_at, c.scheduled_at, c.queued_at, c.assigned_at, c.connected_at, c.ends_at,
  c.agent_id::int AS agent_id, c.menu_id::int AS menu_id, c.hold_ms::float8 AS hold_ms, c.hold_started_at, c.voip_provider,
  c.fail_reason, c.fail_details, c.disconnected_by, c.deflection, c.deflection_details, c.voicemail_reason, c.recording_url,
  jsonb_array_length(c.offer_events) AS offers, c.last_seq, clock_timestamp() AS clock,
  (SELECT json_build_object('to_agent_id', t.to_agent_id::int, 'to_menu_id', t.to_menu_id::int, 'from_agent_id', t.from_agent_id::int)
     FROM transfers t WHERE t.call_id = c.id AND t.status = 'transferring') AS open_transfer`;

// lockCalls' statement (built once, as WRITE below).
const LOCK_CALLS = `SELECT ${LOCK_COLUMNS}, (SELECT s.last_seq FROM calls s WHERE s.id = c.id) AS seen_seq
  FROM calls c WHERE c.id = ANY($1::bigint[]) ORDER BY c.id FOR UPDATE OF c SKIP LOCKED`;

// The write of an applied event: the call's columns from the projection,
// last_seq + 1 and its event-log row, in one statement; answering the call's
// view, or not. Built once: the statement's name is a hash of its text
// (sql.ts), which a text built anew on every event would make the service
// hash again each time.
const writeEvent = (view: boolean) => `WITH updated AS (
     UPDATE calls SET status = $2, queued_at = $3, assigned_at = $4, connected_at = $5, ends_at = $6, agent_id = $7, menu_id = $8,
            hold_ms = $9, hold_started_at = $10, voip_provider = $11, fail_reason = $12, fail_details = $13, disconnected_by = $14,
            deflection = $15, deflection_details = $16, voicemail_reason = $17, recording_url = $18,
            offer_events = CASE WHEN $19::jsonb IS NULL THEN offer_events ELSE offer_events || jsonb_build_array($19::jsonb) END,
            scheduled_at = $25, last_seq = last_seq + 1, updated_at = $20
      WHERE id = $1 RETURNING *),
   logged AS (
     INSERT INTO call_events (call_id, seq, type, from_status, to_status, data, event_id, created_at)
     SELECT $1, last_seq, $21, $22, $2, $23, $24, $20 FROM updated)
   ${view ? `SELECT ${CALL_VIEW_COLUMNS} FROM ${callViewFrom('updated')}` : 'SELECT 1 FROM updated'}`;
const WRITE = writeEvent(false);
const WRITE_WITH_VIEW = writeEvent(true);

// The one way a call's status changes: from a client's event, the scheduler's
// dispatch or the engine's own recover. In one transaction: lock the call,
// rebuild the machine's snapshot, refuse what the machine refuses, compute
// the next snapshot with the pure transition, write the call, participants,
// transfers, agents and the event-log row, commit.
//
// Round trips (Transaction): BEGIN travels with the lock; the effects, the
// write and COMMIT travel together. A `hold` is two round trips; `assign`
// three (its agent is locked before the machine decides).
//
// Events for one call queue here, in arrival order, rather than each holding
// a pooled connection while it waits for the call's row lock: a call flooded
// with events takes one connection, not the whole pool. Self-contained
// events that queued behind each other are applied in one transaction (one
// lock, one COMMIT), each still refused or applied on its own, with its own
// log row and answer. The row lock still decides between instances.
@Injectable()
export class CallLifecycleService {
  private readonly perCall = new KeyedBatches<EventJob, AppliedEvent>({
    maxBatch: MAX_BATCH,
    batchable: isSelfContained,
    run: (jobs) => this.applyJobs(jobs),
  });

  private readonly groups = new Batches<EventJob[], GroupOutcome>({
    concurrency: GROUPS_AT_ONCE,
    maxBatch: MAX_GROUP,
    run: (batches) => this.applyGroup(batches),
  });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // POST /apps/api/v1/calls/:id/events
  async applyClientEvent(companyId: string, callId: string, body: unknown): Promise<AppliedEvent> {
    const { event: input, eventId } = parseEventRequest(body);
    if (!parseId(callId)) throw ApiError.notFound(CallMessages.callNotFound(callId));
    return this.perCall.submit(`${companyId}:${callId}`, { companyId, callId, input, eventId });
  }

  // Events of one call received and not answered yet (for metrics and tests).
  eventsPending(companyId: string, callId: string): number {
    return this.perCall.pending(`${companyId}:${callId}`);
  }

  // Calls whose events wait for a group to take them (all groups busy).
  callsWaitingForAGroup(): number {
    return this.groups.waiting;
  }

  private async applyJobs(jobs: EventJob[]): Promise<Array<Settled<AppliedEvent>>> {
    // A batch is either one event that must run alone or self-contained events.
    if (isSelfContained(jobs[0])) {
      try {
        const grouped = await this.groups.submit(jobs);
        if (grouped !== NOT_LOCKED) return grouped;
      } catch (error) {
        // Unless the COMMIT may have gone through, nothing of the group was
        // written: the events are applied one by one below, each with its
        // own outcome.
        if (error instanceof CommitOutcomeUnknownError) return jobs.map(() => ({ ok: false, error }));
      }
    }
    const outcomes: Array<Settled<AppliedEvent>> = [];
    for (const job of jobs) outcomes.push(await settle(() => this.applyOne(job)));
    return outcomes;
  }

  private async applyOne({ companyId, callId, input, eventId }: EventJob): Promise<AppliedEvent> {
    try {
      return await Transaction.run(this.db, (tx) => this.applyClientEventIn(tx, companyId, callId, input, eventId));
    } catch (error) {
      // The database's own guard: an agent on two live calls at once.
      if (violatedConstraint(error) === 'calls_one_live_call_per_agent') {
        throw ApiError.conflict(M.agentNotAvailable);
      }
      throw error;
    }
  }

  // Self-contained events of several calls (each call's in arrival order) in
  // one transaction: the calls are locked in one statement, in id order, and
  // each is carried from one of its events to the next in memory (the
  // projection of each event's effects); every event's effects and write are
  // deferred, and all of them travel with the COMMIT. An event the machine
  // refuses gets its 409 and writes nothing. Each event is stamped with the
  // database's clock at the lock plus the time elapsed here since.
  //
  // A group never waits for a call's row lock (another instance's event may
  // hold it): such a call, or one not found in the company, is left out
  // (NOT_LOCKED) and its events run on their own, which wait for the lock
  // or answer 404.
  //
  // Calls are worked through in id order, so a parent comes before its
  // callback (created after it, from the same sequence): a callback's
  // `recover` of its parent sees the parent's events of this group written.
  private async applyGroup(batches: EventJob[][]): Promise<Array<Settled<GroupOutcome>>> {
    const answers = await Transaction.run(this.db, async (tx) => {
      const locked = await this.lockCalls(tx, batches.map((jobs) => jobs[0].callId));
      const lockedAt = performance.now();
      const pending = new Map<EventJob[], PendingAnswer[]>();
      for (const jobs of [...batches].sort((a, b) => compareIds(a[0].callId, b[0].callId))) {
        const call = locked.get(jobs[0].callId);
        if (call && call.company_id === jobs[0].companyId) pending.set(jobs, await this.applyEvents(tx, call, jobs, lockedAt));
      }
      return batches.map((jobs) => pending.get(jobs) ?? NOT_LOCKED);
    });
    // Committed: every deferred view has come back with the COMMIT.
    return Promise.all(
      answers.map(async (events) => ({
        ok: true as const,
        value: events === NOT_LOCKED ? NOT_LOCKED : await Promise.all(
          events.map(async (answer): Promise<Settled<AppliedEvent>> => {
            if (!answer.ok) return answer;
            const [view] = await answer.view;
            return { ok: true, value: { call: presentCall(view), replayed: false } };
          }),
        ),
      })),
    );
  }

  // One call's events, locked at `lockedAt`, in a group: each refused (its
  // 409, nothing written) or applied on the call as the events before it
  // left it, its view deferred.
  private async applyEvents(tx: Transaction, locked: LockedCall, jobs: EventJob[], lockedAt: number): Promise<PendingAnswer[]> {
    let call = locked;
    const answers: PendingAnswer[] = [];
    for (const job of jobs) {
      const mark = tx.mark();
      try {
        const event = await this.resolve(tx, job.companyId, job.input, call);
        const clock = new Date(locked.clock.getTime() + Math.floor(performance.now() - lockedAt));
        const applied = await this.applyLocked(tx, { ...call, clock }, event, null, { view: true });
        call = applied.next;
        answers.push({ ok: true, view: applied.view! });
      } catch (error) {
        // A refusal that wrote nothing is this event's answer; anything
        // else fails the group (rolled back, then applied one by one).
        if (!(error instanceof ApiError) || tx.mark() !== mark) throw error;
        answers.push({ ok: false, error });
      }
    }
    return answers;
  }

  private async applyClientEventIn(
    tx: Transaction,
    companyId: string,
    callId: string,
    input: ClientEvent,
    eventId: string | null,
  ): Promise<{ call: CallObject; replayed: boolean }> {
    const locked = await this.lock(tx, `c.company_id = $1 AND c.id = $2`, [companyId, callId], eventId);
    if (!locked) throw ApiError.notFound(CallMessages.callNotFound(callId));
    if (locked.replay) return { call: locked.replay, replayed: true };
    const event = await this.resolve(tx, companyId, input, locked.call);
    const { view } = await this.applyLocked(tx, locked.call, event, eventId, { view: true });
    // Without an event id the write travels with COMMIT; with one, the
    // answer is recorded with the event, so it is read first.
    if (!eventId) {
      await tx.commit();
      return { call: presentCall((await view!)[0]), replayed: false };
    }
    await tx.flush();
    const call = presentCall((await view!)[0]);
    tx.defer(`UPDATE call_events SET response = $3 WHERE call_id = $1 AND event_id = $2`, [callId, eventId, JSON.stringify(call)]);
    return { call, replayed: false };
  }

  // Locks one call (FOR UPDATE) and reads it; with an event id, also the
  // answer recorded when that event was first applied.
  async lock(tx: Transaction, where: string, params: unknown[], eventId: string | null = null): Promise<{ call: LockedCall; replay: CallObject | null } | null> {
    const replay = eventId === null ? 'NULL' : `(SELECT e.response FROM call_events e WHERE e.call_id = c.id AND e.event_id = $${params.length + 1})`;
    const read = (text: string, values: unknown[]) => tx.query(text, eventId === null ? values : [...values, eventId]);
    const [row] = await read(
      `SELECT ${LOCK_COLUMNS}, ${replay} AS replay, (SELECT s.last_seq FROM calls s WHERE s.id = c.id) AS seen_seq
         FROM calls c WHERE ${where} FOR UPDATE OF c`,
      params,
    );
    if (!row) return null;
    // After waiting for the lock the row is its latest version, but the
    // subqueries (open transfer, recorded answer) saw the statement's older
    // snapshot. When another event committed meanwhile (last_seq moved),
    // read them again; the common, uncontended case costs one statement.
    if (row.seen_seq === row.last_seq) return { call: toLocked(row), replay: row.replay ?? null };
    const [fresh] = await read(`SELECT ${LOCK_COLUMNS}, ${replay.replace(`$${params.length + 1}`, '$2')} AS replay FROM calls c WHERE c.id = $1`, [row.id]);
    return { call: toLocked(fresh), replay: fresh.replay ?? null };
  }

  // Locks calls by id (FOR UPDATE, in id order) and reads them, whatever
  // their company (the caller checks it). Calls another transaction holds
  // are skipped, not waited for.
  private async lockCalls(tx: Transaction, ids: string[]): Promise<Map<string, LockedCall>> {
    const rows = await tx.query(LOCK_CALLS, [ids]);
    // As in lock(): a row that an event committed after this statement's
    // snapshot was locked at its latest version, but its subqueries saw the
    // older one; such rows are read again.
    const stale = rows.filter((row) => row.seen_seq !== row.last_seq).map((row) => row.id);
    const fresh = stale.length === 0 ? [] : await tx.query(`SELECT ${LOCK_COLUMNS} FROM calls c WHERE c.id = ANY($1::bigint[])`, [stale]);
    const calls = new Map<string, LockedCall>();
    for (const row of [...rows, ...fresh]) calls.set(String(row.id), toLocked(row));
    return calls;
  }

  // The scheduler's claim: due scheduled calls (by the database's clock),
  // oldest first, locked; calls another transaction holds are skipped, so
  // any number of instances share the work and none dispatches a call twice.
  // The whole batch's writes travel with COMMIT.
  async dispatchDue(limit: number, companyId: string | null = null): Promise<number> {
    return Transaction.run(this.db, async (tx) => {
      const rows = await tx.query(
        `SELECT ${LOCK_COLUMNS} FROM calls c
          WHERE c.status = 'scheduled' AND c.scheduled_at <= now()${companyId === null ? '' : ' AND c.company_id = $2'}
          ORDER BY c.scheduled_at, c.id LIMIT $1 FOR UPDATE OF c SKIP LOCKED`,
        companyId === null ? [limit] : [limit, companyId],
      );
      for (const row of rows) await this.applyLocked(tx, toLocked(row), { type: 'dispatch' });
      return rows.length;
    });
  }

  // Applies a resolved event to a call locked by this transaction. The
  // effects and the write are deferred: they travel with the next statement
  // sent, or COMMIT. Answers the call as the event leaves it (`next`) and,
  // when asked, the promise of its view, which the writing statement answers
  // once it has been sent.
  async applyLocked(
    tx: Transaction,
    call: LockedCall,
    event: CallEvent,
    eventId: string | null = null,
    options: { view?: boolean } = {},
  ): Promise<{ next: LockedCall; view?: Promise<CallViewRow[]> }> {
    if (!acceptsEventType(call.status, event.type)) throw ApiError.conflict(M.notAllowed(event.type, call.status));
    const snapshot = snapshotOf(call.status, contextOf(call));
    if (!canApply(snapshot, event)) {
      // "Agent is not available" only when the agent's availability alone refused it
      // (a second transfer to a busy agent is refused for the running transfer).
      const agentBusy =
        (event.type === 'assign' && !event.agentAvailable && canApply(snapshot, { ...event, agentAvailable: true })) ||
        (event.type === 'transfer' && event.toAgentId !== undefined && !event.toAgentAvailable && canApply(snapshot, { ...event, toAgentAvailable: true }));
      throw ApiError.conflict(agentBusy ? M.agentNotAvailable : M.notAllowed(event.type, call.status));
    }
    const applied = applyEvent(snapshot, event, { checked: true });
    const at = eventTime(call, new Date(call.clock));

    // Effects on other tables, each seeing the call as the effects before it left it.
    let running: LockedCall = call;
    let appendedOffer: { casting_time: string; group: string } | null = null;
    for (const effect of applied.actions) {
      await this.carryOut(tx, running, effect, at);
      if (effect.type === 'appendOffer') appendedOffer = { casting_time: at.toISOString(), group: effect.params.group };
      running = { ...running, ...project(running, applied.status, [effect], at) };
    }
    const next = project(call, applied.status, applied.actions, at);

    const write = options.view ? WRITE_WITH_VIEW : WRITE;
    const values = [
        call.id, next.status, next.queued_at, next.assigned_at, next.connected_at, next.ends_at, next.agent_id, next.menu_id,
        Math.round(next.hold_ms), next.hold_started_at, next.voip_provider, next.fail_reason, next.fail_details, next.disconnected_by,
        next.deflection, JSON.stringify(next.deflection_details), next.voicemail_reason, next.recording_url,
        appendedOffer ? JSON.stringify(appendedOffer) : null, at, event.type, call.status, JSON.stringify(eventToLog(event)), eventId,
        next.scheduled_at,
    ];
    const after: LockedCall = { ...call, ...next, last_seq: call.last_seq + 1 };
    if (!options.view) {
      tx.defer(write, values);
      return { next: after };
    }
    return { next: after, view: tx.deferQuery<CallViewRow>(write, values) };
  }

  // The database side of one effect, beyond the call's own columns.
  private async carryOut(tx: Transaction, call: LockedCall, effect: CallEffect, at: Date): Promise<void> {
    switch (effect.type) {
      case 'assignAgent':
        tx.defer(`UPDATE agents SET status = 'busy', updated_at = $2 WHERE id = $1`, [effect.params.agentId, at]);
        tx.defer(`INSERT INTO participants (call_id, type, agent_id, status, created_at, updated_at) VALUES ($1, 'agent', $2, 'waiting', $3, $3)`, [call.id, effect.params.agentId, at]);
        return;
      case 'agentParticipantFails':
        tx.defer(
          `UPDATE participants SET status = 'failed', ended_at = $2, fail_reason = $3, updated_at = $2 WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`,
          [call.id, at, effect.params.failReason],
        );
        return;
      case 'releaseAgent':
        if (call.agent_id !== null) this.release(tx, call.agent_id, at);
        return;
      case 'participantsTo':
        if (effect.params.status === 'connected') {
          tx.defer(`UPDATE participants SET status = 'connected', connected_at = $2, hold_ms = 0, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at]);
        } else if (effect.params.status === 'finished') {
          tx.defer(`UPDATE participants SET status = 'finished', ended_at = $2, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at]);
        } else {
          tx.defer(`UPDATE participants SET status = $3, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at, effect.params.status]);
        }
        return;
      case 'closeHold':
        if (call.hold_started_at) this.creditHold(tx, call.id, call.hold_started_at, at);
        return;
      case 'openTransfer':
        tx.defer(
          `INSERT INTO transfers (call_id, status, from_menu_id, to_menu_id, from_agent_id, to_agent_id, created_at, updated_at)
           VALUES ($1, 'transferring', $2, $3, $4, $5, $6, $6)`,
          [call.id, call.menu_id, effect.params.toMenuId ?? null, call.agent_id, effect.params.toAgentId ?? null, at],
        );
        // The target agent is held for this call until the transfer ends.
        if (effect.params.toAgentId !== undefined) tx.defer(`UPDATE agents SET status = 'busy', updated_at = $2 WHERE id = $1`, [effect.params.toAgentId, at]);
        return;
      case 'completeTransfer': {
        tx.defer(`UPDATE transfers SET status = 'transferred', updated_at = $2 WHERE call_id = $1 AND status = 'transferring'`, [call.id, at]);
        const toAgent = call.open_transfer?.to_agent_id;
        if (toAgent != null) {
          // The agent leaving is credited its part of a hold still open.
          if (call.hold_started_at) this.creditHold(tx, call.id, call.hold_started_at, at);
          tx.defer(`UPDATE participants SET status = 'finished', ended_at = $2, updated_at = $2 WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`, [call.id, at]);
          tx.defer(
            `INSERT INTO participants (call_id, type, agent_id, status, connected_at, hold_ms, created_at, updated_at) VALUES ($1, 'agent', $2, 'connected', $3, 0, $3, $3)`,
            [call.id, toAgent, at],
          );
          if (call.agent_id !== null && call.agent_id !== toAgent) this.release(tx, call.agent_id, at);
        }
        return;
      }
      case 'failTransfer':
        tx.defer(`UPDATE transfers SET status = 'failed', fail_reason = $3, updated_at = $2 WHERE call_id = $1 AND status = 'transferring'`, [call.id, at, effect.params.failReason]);
        if (call.open_transfer?.to_agent_id != null) this.release(tx, call.open_transfer.to_agent_id, at);
        return;
      case 'recoverParent':
        if (call.parent_id !== null) {
          const parent = await this.lock(tx, `c.id = $1`, [call.parent_id]);
          if (parent && parent.call.status === 'failed') await this.applyLocked(tx, parent.call, { type: 'recover' });
        }
        return;
      default:
        return; // the call's own columns: written from the projection
    }
  }

  // The agent on the call is credited the part of a hold (from holdStart to
  // `at`) since it joined: an agent a transfer brought in during the hold
  // only from then.
  private creditHold(tx: Transaction, callId: string, holdStart: Date, at: Date): void {
    tx.defer(
      `UPDATE participants
          SET hold_ms = coalesce(hold_ms, 0) + round(extract(epoch FROM $2::timestamptz - greatest($3::timestamptz, connected_at)) * 1000), updated_at = $2
        WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`,
      [callId, at, holdStart],
    );
  }

  private release(tx: Transaction, agentId: number, at: Date): void {
    tx.defer(`UPDATE agents SET status = 'available', updated_at = $2 WHERE id = $1 AND status = 'busy'`, [agentId, at]);
  }

  // References in the client's event, resolved in the transaction; agents
  // are locked so two calls cannot take one agent at the same moment.
  private async resolve(tx: Transaction, companyId: string, input: ClientEvent, call: LockedCall): Promise<CallEvent> {
    // An event the status never takes is refused before any lookup.
    if (!acceptsEventType(call.status, input.type)) throw ApiError.conflict(M.notAllowed(input.type, call.status));
    switch (input.type) {
      case 'reschedule': {
        const [menu] = call.menu_id === null ? [] : await tx.query(`SELECT state, business_hours FROM menus WHERE id = $1`, [call.menu_id]);
        if (menu && menuIsAfterHoursAt({ state: menu.state, businessHours: menu.business_hours }, new Date(input.scheduledAt))) throw ApiError.badRequest(CallMessages.afterHours);
        return input;
      }
      case 'select_menu': {
        const [menu] = await tx.query(
          `SELECT m.id::int AS id, NOT EXISTS (SELECT 1 FROM menus k WHERE k.parent_id = m.id AND NOT k.deleted) AS leaf
             FROM menus m WHERE m.company_id = $1 AND m.id = $2 AND NOT m.deleted`,
          [companyId, input.menuId],
        );
        if (!menu) throw ApiError.badRequest(M.menuNotFound(input.menuId));
        return { type: 'select_menu', menuId: menu.id, menuIsLeaf: menu.leaf };
      }
      case 'assign': {
        const agent = await this.agent(tx, companyId, input.agentEmail, 'agent_email', true);
        return { type: 'assign', agentId: agent.id, agentAvailable: agent.status === 'available' };
      }
      case 'read_voicemail': {
        const agent = await this.agent(tx, companyId, input.agentEmail, 'agent_email', false);
        return { type: 'read_voicemail', agentId: agent.id };
      }
      case 'transfer': {
        if ('toMenuId' in input) {
          const [menu] = await tx.query(`SELECT id::int AS id FROM menus WHERE company_id = $1 AND id = $2 AND NOT deleted`, [companyId, input.toMenuId]);
          if (!menu) throw ApiError.badRequest(M.menuNotFound(input.toMenuId, 'to_menu_id'));
          return { type: 'transfer', toMenuId: menu.id };
        }
        const agent = await this.agent(tx, companyId, input.toAgentEmail, 'to_agent_email', true);
        return { type: 'transfer', toAgentId: agent.id, toAgentAvailable: agent.status === 'available' };
      }
      default:
        return input;
    }
  }

  private async agent(tx: Transaction, companyId: string, email: string, field: string, lock: boolean): Promise<{ id: number; status: string }> {
    const [agent] = await tx.query(
      `SELECT id::int AS id, status FROM agents WHERE company_id = $1 AND lower(email) = lower($2)${lock ? ' FOR UPDATE' : ''}`,
      [companyId, email],
    );
    if (!agent) throw ApiError.badRequest(M.agentNotFound(field));
    return agent;
  }
}

function toLocked(row: Record<string, any>): LockedCall {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: String(row.id),
    company_id: String(row.company_id),
    parent_id: row.parent_id === null ? null : String(row.parent_id),
    status: row.status,
    created_at: new Date(row.created_at),
    scheduled_at: date(row.scheduled_at),
    queued_at: date(row.queued_at),
    assigned_at: date(row.assigned_at),
    connected_at: date(row.connected_at),
    ends_at: date(row.ends_at),
    agent_id: row.agent_id,
    menu_id: row.menu_id,
    hold_ms: Number(row.hold_ms),
    hold_started_at: date(row.hold_started_at),
    voip_provider: row.voip_provider,
    fail_reason: row.fail_reason,
    fail_details: row.fail_details,
    disconnected_by: row.disconnected_by,
    deflection: row.deflection,
    deflection_details: row.deflection_details,
    voicemail_reason: row.voicemail_reason,
    recording_url: row.recording_url,
    offers: Number(row.offers),
    open_transfer: row.open_transfer ? { to_agent_id: row.open_transfer.to_agent_id, to_menu_id: row.open_transfer.to_menu_id } : null,
    last_seq: Number(row.last_seq),
    clock: new Date(row.clock),
  };
}
