// The simulator provider (kind `simulator`): carries legs in this process,
// no SIP. Each leg follows the script its destination's rule gives
// (simulator-script.ts), deterministically; the engine cannot tell it from
// a trunk, which is the point: integrators' tests and ours run the whole
// engine through it. It is the demo company's provider.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppConfig } from '../../config/app-config';
import type { DialRequest, LegEndCause, ProviderEvent, VoiceProviderAdapter } from '../voice-provider.port';
import { ruleFor } from './simulator-rule';
import { SimulatorRulesRepository } from './simulator-rules.repository';
import { ScriptOptions, deliveriesFor, scriptFor } from './simulator-script';

interface SimulatedLeg {
  request: DialRequest;
  providerCallId: string;
  delivered: number; // the highest seq delivered
  scriptEnd: number; // the highest seq the script uses
  answered: boolean;
  ended: boolean;
  hasRule: boolean;
  timers: Set<NodeJS.Timeout>;
  hangupTimer?: NodeJS.Timeout;
}

// One dial as the simulator saw it (for tests: pacing is measured here).
export interface SimulatedDial {
  at: number; // Date.now() when dial() was called
  legId: string;
  to: string;
  providerId: string;
}

// The most recent dials kept for inspection.
const DIALS_KEPT = 10_000;

@Injectable()
export class SimulatorAdapter implements VoiceProviderAdapter, OnApplicationShutdown {
  readonly kind = 'simulator' as const;
  readonly dials: SimulatedDial[] = [];
  private readonly legs = new Map<string, SimulatedLeg>();
  private readonly listeners = new Set<(event: ProviderEvent) => void>();
  private readonly options: ScriptOptions;

  constructor(
    private readonly rules: SimulatorRulesRepository,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.options = { defaultHangupAfterMs: config.SIMULATOR_HANGUP_AFTER_MS, mediaTimeoutMs: config.SIMULATOR_MEDIA_TIMEOUT_MS };
  }

  availability() {
    return { available: true as const };
  }

  async dial(request: DialRequest): Promise<void> {
    this.dials.push({ at: Date.now(), legId: request.legId, to: request.to, providerId: request.provider.providerId });
    if (this.dials.length > DIALS_KEPT) this.dials.splice(0, this.dials.length - DIALS_KEPT);
    const rule = ruleFor(await this.rules.forNumber(request.provider.providerId, request.to), request.to);
    const steps = scriptFor(rule, this.options);
    const deliveries = deliveriesFor(steps, rule, this.options);
    const scriptEnd = Math.max(0, ...deliveries.map((d) => d.seq));
    const leg: SimulatedLeg = { request, providerCallId: `sim-${randomUUID()}`, delivered: 0, scriptEnd, answered: false, ended: false, hasRule: rule !== null, timers: new Set() };
    this.legs.set(request.legId, leg);
    for (const delivery of deliveries) {
      const timer = this.after(leg, delivery.at, () => {
        const step = delivery.step;
        leg.delivered = Math.max(leg.delivered, delivery.seq);
        if (step.kind === 'answered') leg.answered = true;
        // The leg is over; deliveries still scheduled (a duplicate, the
        // earlier of a swapped pair) still arrive, as a trunk's would.
        if (step.kind === 'ended') this.finish(leg);
        const base = { legId: request.legId, providerCallId: leg.providerCallId, seq: delivery.seq, at: new Date() };
        switch (step.kind) {
          case 'ringing':
            return this.emit({ ...base, kind: 'ringing', sipCode: step.sipCode });
          case 'answered':
            return this.emit({ ...base, kind: 'answered' });
          case 'dtmf':
            return this.emit({ ...base, kind: 'dtmf', digit: step.digit });
          case 'ended':
            return this.emit({ ...base, kind: 'ended', cause: step.cause, sipCode: step.sipCode, reason: step.reason });
        }
      });
      // Without a rule the end user hangs up at the default time, or once prompts end (play).
      if (!rule && delivery.step.kind === 'ended') leg.hangupTimer = timer;
    }
  }

  async hangup(legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended) return;
    this.end(leg, 'local_hangup', leg.answered ? null : 487, leg.answered ? 'BYE sent by the engine' : 'Request Terminated (cancelled by the engine)');
  }

  // No audio here: a prompt "plays" for the duration its WAV header gives.
  // Without a rule, the end user hangs up once the prompts played to it end.
  async play(legId: string, promptId: string, wavPath: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended) return;
    const duration = await wavDurationMs(wavPath);
    // Numbered after every event the script will still deliver.
    this.after(leg, duration, () => {
      leg.delivered = Math.max(leg.delivered, leg.scriptEnd) + 1;
      this.emit({ legId, providerCallId: leg.providerCallId, seq: leg.delivered, at: new Date(), kind: 'prompt_ended', promptId });
    });
    if (!leg.hasRule) {
      if (leg.hangupTimer) this.cancel(leg, leg.hangupTimer);
      leg.hangupTimer = this.after(leg, duration + 200, () => this.end(leg, 'remote_hangup', null, 'BYE from the end user'));
    }
  }

  async stopPlaying(): Promise<void> {}

  async sendDtmf(): Promise<void> {}

  onEvent(listener: (event: ProviderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Legs still up (for tests).
  get legsUp(): number {
    return [...this.legs.values()].filter((leg) => !leg.ended).length;
  }

  onApplicationShutdown(): void {
    for (const leg of this.legs.values()) this.close(leg);
    this.legs.clear();
  }

  // The script's events not delivered yet never will be: the end follows the last one delivered.
  private end(leg: SimulatedLeg, cause: LegEndCause, sipCode: number | null, reason: string): void {
    this.close(leg);
    leg.delivered += 1;
    this.emit({ legId: leg.request.legId, providerCallId: leg.providerCallId, seq: leg.delivered, at: new Date(), kind: 'ended', cause, sipCode, reason });
  }

  private close(leg: SimulatedLeg): void {
    for (const timer of leg.timers) clearTimeout(timer);
    leg.timers.clear();
    this.finish(leg);
  }

  private finish(leg: SimulatedLeg): void {
    if (leg.ended) return;
    leg.ended = true;
    // Kept a while for late hangups; then forgotten.
    const forget = setTimeout(() => this.legs.delete(leg.request.legId), 60_000);
    forget.unref();
  }

  private after(leg: SimulatedLeg, ms: number, work: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      leg.timers.delete(timer);
      work();
    }, ms);
    leg.timers.add(timer);
    return timer;
  }

  private cancel(leg: SimulatedLeg, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    leg.timers.delete(timer);
  }

  private emit(event: ProviderEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

// The duration of a PCM WAV from its header (0 when it cannot be read).
async function wavDurationMs(path: string): Promise<number> {
  try {
    const data = await readFile(path);
    if (data.toString('ascii', 0, 4) !== 'RIFF') return 0;
    const byteRate = data.readUInt32LE(28);
    let offset = 12;
    while (offset + 8 <= data.length) {
      const id = data.toString('ascii', offset, offset + 4);
      const size = data.readUInt32LE(offset + 4);
      if (id === 'data') return byteRate > 0 ? Math.round((size / byteRate) * 1000) : 0;
      offset += 8 + size + (size % 2);
    }
  } catch {
    // unreadable: no duration
  }
  return 0;
}
