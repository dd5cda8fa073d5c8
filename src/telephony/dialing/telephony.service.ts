// The telephony surface: turns what voice providers do into lifecycle
// events, through the one way into a call (CallLifecycle.applyEvent, source
// 'provider', dedupe key = provider call id + seq), and keeps the engine's
// side of every leg: the dial, the ring timer, the watchdog, the hang-up.
//
// - Dialing: a CCAI outbound call of a company with an enabled provider gets
//   a leg row when it enters `connecting` (a trigger, in the transaction of
//   its `connect` or `retry`: the outbox of the dial). Each tick, every
//   instance claims the legs whose provider has room (calls_per_second and
//   max_concurrent_calls across instances, legs-repository.ts), commits the
//   claim, then dials: a dial is never lost (it is a row from the commit of
//   `connect`) and never doubled (one claim, committed before the dial). A
//   leg waiting for its turn stays pending; its call stays `connecting`.
// - Provider events of a leg are applied in seq order (a later one waits
//   up to TELEPHONY_REORDER_WAIT_MS for an earlier one); duplicates apply
//   nothing (their dedupe key); late ones are recorded as stale.
// - Timers live in the database (the leg's ring_deadline and watchdog_at),
//   so they fire on any instance, also after a restart: a leg that rang
//   but was not answered within the ring timeout is cancelled (eu_no_answer);
//   a call with no outcome at all within ring timeout + grace is failed
//   (expired). The provider's own "no response" (a SIP transaction timeout,
//   32 s) is left to come before the watchdog.
// - When a call ends (a client's hangup, a fail, the ring timer), a trigger
//   marks its open legs for hang-up; the instance that dialed them hangs up.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/domain-error';
import { toE164 } from '../../common/phone-numbers';
import { CallChanges } from '../../calls/call-changes';
import type { ApplyCallEvent, EventInput, ProviderFacts } from '../../calls/lifecycle/apply-event.command';
import { CallLifecycle } from '../../calls/lifecycle/call-lifecycle.service';
import type { FailureCode } from '../../calls/lifecycle/machine/call.machine';
import { AppConfig } from '../../config/app-config';
import { VoiceAdapters } from '../voice-adapters';
import type { LegEndCause, ProviderEvent, VoiceProviderKind } from '../voice-provider.port';
import { voipProviderOf } from '../voice-providers/voice-provider';
import { ClaimedLeg, LegsRepository, ProviderForDial } from './legs.repository';

// A leg this instance dialed, and the order its events are applied in.
interface Leg {
  rowId: string;
  legId: string;
  callId: string;
  companyId: string;
  provider: { id: string; name: string; kind: VoiceProviderKind } | null;
  answered: boolean;
  next: number; // the seq expected next
  waiting: Map<number, ProviderEvent>; // arrived ahead of an earlier seq
  gapTimer?: NodeJS.Timeout;
  chain: Promise<void>;
}

const BATCH = 50;
const HEARTBEAT_MS = 1000;

@Injectable()
export class TelephonyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Telephony');
  readonly instanceId = randomUUID();
  private readonly legs = new Map<string, Leg>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private stopListening?: () => void;
  private lastHeartbeat = 0;
  // Companies with an enabled provider, as last read (every HEARTBEAT_MS).
  private dialingCompanies = new Set<string>();

  constructor(
    private readonly repo: LegsRepository,
    private readonly adapters: VoiceAdapters,
    private readonly lifecycle: CallLifecycle,
    private readonly changes: CallChanges,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.adapters.each((adapter) => adapter.onEvent((event) => this.receive(event)));
    const sip = this.adapters.find('sip');
    if (!sip.adapter) this.logger.log(`${sip.reason}; sip providers' calls fail over or fail with that reason`);
    if (!this.config.TELEPHONY_ENABLED) return;
    // This instance's commits (a connect, a hangup) of companies that dial
    // wake the worker at once; other instances' are found by the tick. Other
    // companies' commits cost nothing here.
    this.stopListening = this.changes.listen((companyIds) => {
      if (companyIds.some((id) => this.dialingCompanies.has(id))) this.wake();
    });
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    clearTimeout(this.timer);
    await this.running;
    for (const leg of this.legs.values()) clearTimeout(leg.gapTimer);
    await Promise.all([...this.legs.values()].map((leg) => leg.chain));
  }

  // One pass of the worker: hang-ups, dials, ring timers, the watchdog,
  // and the calls of instances gone silent.
  // Each step on its own: one that fails (the database, say) does not hold the others back.
  async tick(): Promise<void> {
    await this.step('heartbeat', async () => {
      if (Date.now() - this.lastHeartbeat < HEARTBEAT_MS) return;
      await this.repo.heartbeat(this.instanceId);
      this.dialingCompanies = new Set(await this.repo.dialingCompanies());
      this.lastHeartbeat = Date.now();
    });
    await this.step('hang-ups', () => this.hangUpEndedCalls());
    await this.step('dials', () => this.dialPendingLegs());
    await this.step('ring timers', () => this.fireRingTimers());
    await this.step('watchdog', () => this.fireWatchdog());
    await this.step('silent instances', () => this.endSilentInstancesCalls());
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : this.config.TELEPHONY_TICK_MS);
      });
    }, delay);
    this.timer.unref();
  }

  private async step(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // The database may be down: the next tick tries again.
      this.logger.warn({ message: `telephony ${name} failed`, error: error instanceof Error ? error.message : String(error) });
    }
  }

  // --- dialing ---

  private async dialPendingLegs(): Promise<void> {
    const graceMs = this.config.TELEPHONY_WATCHDOG_GRACE_MS;
    for (const providerId of await this.repo.providersWithPendingLegs()) {
      if (this.stopped) return;
      if (providerId === null) {
        for (const claimed of await this.repo.claimOrphaned(this.instanceId, this.config.TELEPHONY_RING_TIMEOUT_MS + graceMs)) {
          this.unusable(this.track(claimed, null), 'the voice provider was deleted before the call was dialed');
        }
        continue;
      }
      const { provider, legs } = await this.repo.claimForDial(providerId, this.instanceId, {
        windowMs: 1000 + this.config.TELEPHONY_PACING_MARGIN_MS,
        ringTimeoutMs: this.config.TELEPHONY_RING_TIMEOUT_MS,
        watchdogGraceMs: graceMs,
        batch: BATCH,
      });
      if (!provider) continue;
      for (const claimed of legs) this.dial(this.track(claimed, provider), provider, claimed);
    }
  }

  private track(claimed: ClaimedLeg, provider: ProviderForDial | null): Leg {
    const leg: Leg = {
      rowId: String(claimed.id),
      legId: `${claimed.call_id}-${claimed.attempt}`,
      callId: String(claimed.call_id),
      companyId: String(claimed.company_id),
      provider: provider ? { id: String(provider.id), name: provider.name, kind: provider.kind } : null,
      answered: false,
      next: 1,
      waiting: new Map(),
      chain: Promise.resolve(),
    };
    this.legs.set(leg.legId, leg);
    return leg;
  }

  private dial(leg: Leg, provider: ProviderForDial, claimed: ClaimedLeg): void {
    if (!provider.enabled) return this.unusable(leg, `voice provider ${provider.name} was disabled before the call was dialed`);
    const found = this.adapters.find(provider.kind);
    if (!found.adapter) return this.unusable(leg, found.reason);
    const to = claimed.to_number;
    if (!to) return this.unusable(leg, 'the call has no end user number to dial');
    const request = {
      legId: leg.legId,
      companyId: leg.companyId,
      callId: leg.callId,
      to,
      from: claimed.from_number === null ? null : toE164(claimed.from_number),
      provider: {
        providerId: String(provider.id),
        kind: provider.kind,
        sip: provider.kind === 'sip' ? { uri: provider.sip_uri!, username: provider.sip_username, password: provider.sip_password, fromUser: provider.sip_from_user } : undefined,
      },
      ringTimeoutMs: claimed.ring_timeout_ms ?? this.config.TELEPHONY_RING_TIMEOUT_MS,
    };
    found.adapter.dial(request).catch((error: unknown) => this.unusable(leg, error instanceof Error ? error.message : String(error)));
  }

  // A leg that could not even start: the provider failed it (and the call
  // fails over), through the same path as a trunk's 503.
  private unusable(leg: Leg, reason: string): void {
    this.logger.warn({ message: 'leg not dialed', leg: leg.legId, reason });
    this.receive({ legId: leg.legId, providerCallId: `engine-${leg.legId}`, seq: 1, at: new Date(), kind: 'ended', cause: 'provider_error', sipCode: null, reason });
  }

  // --- provider events, in order ---

  private receive(event: ProviderEvent): void {
    const leg = this.legs.get(event.legId);
    if (!leg) {
      this.logger.debug?.({ message: 'event of a leg this instance does not carry', leg: event.legId, kind: event.kind });
      return;
    }
    if (event.seq < leg.next) return this.enqueue(leg, event); // a duplicate: its dedupe key answers it
    if (event.seq > leg.next) {
      if (!leg.waiting.has(event.seq)) leg.waiting.set(event.seq, event);
      if (!leg.gapTimer) {
        leg.gapTimer = setTimeout(() => this.skipGap(leg), this.config.TELEPHONY_REORDER_WAIT_MS);
        leg.gapTimer.unref();
      }
      return;
    }
    this.enqueue(leg, event);
    leg.next += 1;
    while (leg.waiting.has(leg.next)) {
      this.enqueue(leg, leg.waiting.get(leg.next)!);
      leg.waiting.delete(leg.next);
      leg.next += 1;
    }
    if (leg.waiting.size === 0 && leg.gapTimer) {
      clearTimeout(leg.gapTimer);
      leg.gapTimer = undefined;
    }
  }

  // The earlier event never came: what waited is applied, in order.
  private skipGap(leg: Leg): void {
    leg.gapTimer = undefined;
    for (const seq of [...leg.waiting.keys()].sort((a, b) => a - b)) {
      this.enqueue(leg, leg.waiting.get(seq)!);
      leg.next = seq + 1;
    }
    leg.waiting.clear();
  }

  private enqueue(leg: Leg, event: ProviderEvent): void {
    leg.chain = leg.chain
      .then(() => this.apply(leg, event))
      .catch((error: unknown) => this.logger.warn({ message: 'provider event not applied', leg: leg.legId, seq: event.seq, error: error instanceof Error ? error.message : String(error) }));
  }

  private async apply(leg: Leg, event: ProviderEvent): Promise<void> {
    const dedupeKey = `provider:${event.providerCallId}:${event.seq}`;
    const facts = (legState: ProviderFacts['legState'], extra: Partial<ProviderFacts> = {}): ProviderFacts => ({
      legRowId: leg.rowId,
      legId: leg.legId,
      providerId: leg.provider?.id ?? null,
      providerName: leg.provider?.name ?? null,
      kind: leg.provider?.kind ?? 'unknown',
      providerCallId: event.providerCallId,
      seq: event.seq,
      reported: event.kind,
      cause: null,
      sipCode: null,
      reason: null,
      legState,
      ...extra,
    });
    const send = (input: EventInput, provider: ProviderFacts) => this.lifecycle.applyEvent({ companyId: leg.companyId, callId: leg.callId, event: input, source: 'provider', dedupeKey, provider });
    switch (event.kind) {
      case 'ringing':
        await send({ type: 'ringing' }, facts('ringing', { sipCode: event.sipCode }));
        return;
      case 'answered':
        leg.answered = true;
        await send({ type: 'connected' }, facts('answered'));
        return;
      case 'dtmf':
        await send({ type: 'dtmf', digits: event.digit }, facts(null));
        return;
      case 'prompt_ended':
        // Prompts belong to voice applications (IVR), which play them.
        return;
      case 'ended': {
        this.forgetLater(leg);
        const ended = facts('ended', { cause: event.cause, sipCode: event.sipCode, reason: event.reason });
        const details = `${leg.provider?.name ?? 'voice provider'}: ${event.sipCode === null ? '' : `${event.sipCode} `}${event.reason}`;
        if (event.cause === 'provider_error' || event.cause === 'no_response') {
          await this.failOver(leg, dedupeKey, ended, event.cause === 'no_response' ? 'voip_conn_timeout' : 'voip_conn_general', details);
          return;
        }
        await send(this.outcomeOf(event.cause, leg.answered, details), ended);
        return;
      }
    }
  }

  // How a leg's end reads in the lifecycle (shared spec telephony.md's table).
  private outcomeOf(cause: Exclude<LegEndCause, 'provider_error' | 'no_response'>, answered: boolean, details: string): EventInput {
    const fail = (failReason: FailureCode): EventInput => ({ type: 'fail', failReason, failDetails: details });
    switch (cause) {
      case 'busy':
        return fail('eu_busy');
      case 'no_answer':
        return fail('eu_no_answer');
      case 'wrong_number':
        return fail('eu_wrong_number');
      case 'remote_hangup':
        return { type: 'hangup', disconnectedBy: 'disconnected_by_end_user' };
      case 'local_hangup':
        return { type: 'hangup', disconnectedBy: 'disconnected_by_system' };
      case 'media_timeout':
        return answered ? { type: 'hangup', disconnectedBy: 'disconnected_by_system', failDetails: 'media timeout' } : fail('voip_conn_general');
      case 'agent_lost':
        return answered ? { type: 'hangup', disconnectedBy: 'disconnected_by_system', failDetails: details } : fail('voip_conn_general');
    }
  }

  // A provider failure: `provider_failed` → switching, then `retry` →
  // connecting on the next provider by priority (a new leg, by the dial
  // trigger); with none left, the call fails.
  private async failOver(leg: Leg, dedupeKey: string, facts: ProviderFacts, failReason: FailureCode, details: string): Promise<void> {
    const base = { companyId: leg.companyId, callId: leg.callId, source: 'provider' as const, dedupeKey, provider: facts };
    const next = await this.repo.nextProvider(leg.companyId, leg.callId);
    if (!next) {
      await this.lifecycle.applyEvent({ ...base, event: { type: 'fail', failReason, failDetails: `${details}; no other voice provider to try` } });
      return;
    }
    const switched = await this.lifecycle.applyEvent({ ...base, event: { type: 'provider_failed', voipProvider: voipProviderOf(next.kind) } });
    if (switched.stale) return;
    // Also after a replay: the retry may not have been applied (its own key says).
    await this.applyEngineEvent({ companyId: leg.companyId, callId: leg.callId, event: { type: 'retry' }, source: 'engine', dedupeKey: `${dedupeKey}:retry` });
  }

  private forgetLater(leg: Leg): void {
    const timer = setTimeout(() => this.legs.delete(leg.legId), 60_000);
    timer.unref();
  }

  // --- the engine's own timers and hang-ups ---

  private async fireRingTimers(): Promise<void> {
    for (const due of await this.repo.dueTimers('ring_deadline')) {
      // Only a leg that rang: one that never did waits for its provider's
      // own outcome (no response), then the watchdog.
      if (due.state !== 'ringing' || !due.current) continue;
      const seconds = Math.round((due.ring_timeout_ms ?? this.config.TELEPHONY_RING_TIMEOUT_MS) / 100) / 10;
      await this.applyEngineEvent({
        companyId: String(due.company_id),
        callId: String(due.call_id),
        event: { type: 'fail', failReason: 'eu_no_answer', failDetails: `not answered within the ring timeout (${seconds} s); cancelled by the engine` },
        source: 'engine',
        dedupeKey: `ring-timeout:${due.id}`,
      });
    }
  }

  private async fireWatchdog(): Promise<void> {
    for (const due of await this.repo.dueTimers('watchdog_at')) {
      if (!due.current) continue;
      const seconds = Math.round(((due.ring_timeout_ms ?? this.config.TELEPHONY_RING_TIMEOUT_MS) + this.config.TELEPHONY_WATCHDOG_GRACE_MS) / 100) / 10;
      await this.applyEngineEvent({
        companyId: String(due.company_id),
        callId: String(due.call_id),
        event: { type: 'fail', failReason: 'expired', failDetails: `no outcome from the voice provider within ${seconds} s (watchdog)` },
        source: 'engine',
        dedupeKey: `watchdog:${due.id}`,
      });
    }
  }

  // An instance killed (or stopped) with legs on the wire: their media went
  // with it. Its live calls end: an answered one hangs up, one still
  // connecting fails (voip_conn_general).
  private async endSilentInstancesCalls(): Promise<void> {
    for (const leg of await this.repo.takeOverSilent(this.config.TELEPHONY_INSTANCE_TIMEOUT_MS)) {
      if (!leg.current) continue;
      const details = 'the instance carrying the call stopped';
      await this.applyEngineEvent({
        companyId: String(leg.company_id),
        callId: String(leg.call_id),
        event: leg.answered ? { type: 'hangup', disconnectedBy: 'disconnected_by_system', failDetails: details } : { type: 'fail', failReason: 'voip_conn_general', failDetails: details },
        source: 'engine',
        dedupeKey: `instance-lost:${leg.id}`,
      });
    }
  }

  private async hangUpEndedCalls(): Promise<void> {
    for (const row of await this.repo.toHangUp(this.instanceId)) {
      const legId = `${row.call_id}-${row.attempt}`;
      const leg = this.legs.get(legId);
      const kind = leg?.provider?.kind;
      const adapter = kind ? this.adapters.find(kind).adapter : null;
      try {
        await adapter?.hangup(legId);
      } catch (error) {
        this.logger.warn({ message: 'hang-up failed', leg: legId, error: error instanceof Error ? error.message : String(error) });
      }
      await this.repo.hungUp(String(row.id));
      if (leg) this.forgetLater(leg);
    }
  }

  // An event of the engine itself: refused when the call has moved on
  // (answered before its ring timer, say), which is no error.
  private async applyEngineEvent(command: ApplyCallEvent): Promise<void> {
    try {
      await this.lifecycle.applyEvent(command);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
}
