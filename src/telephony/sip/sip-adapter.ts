import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DialRequest, ProviderEvent, VoiceProviderAdapter } from '../voice-provider.port';
import { BaresipSupervisor } from './baresip-supervisor';
import { CtrlCommand, CtrlEvent, CtrlResponse } from './ctrl-tcp-client';
import { LegEnd, legEndFromClosed } from './sip-end-causes';
import { SipSettings } from './sip-settings';
import { sipDialTarget, userSpelling } from './sip-target';
import { paddedPrompt, readPrompt, WavInfo } from './wav-files';

export interface SipAdapterOptions {
  warn?: (line: string) => void;
}

interface Leg {
  request: DialRequest;
  aor: string; // sip:user@host[:port], how baresip names the leg's own user agent
  providerCallId: string; // the SIP Call-ID once baresip has told it
  callIdKnown: boolean;
  seq: number;
  dialedAt: number;
  dialing?: Promise<void>;
  ringingSent: boolean;
  answered: boolean;
  ended: boolean;
  hungUpByUs: boolean;
  ringTimedOut: boolean;
  playing?: { promptId: string; timer: NodeJS.Timeout };
  ringTimer?: NodeJS.Timeout;
  rearmTimer?: NodeJS.Timeout;
  closeTimer?: NodeJS.Timeout;
}

// A prompt's file outlasts the prompt by this much (baresip hangs up at its end).
const PROMPT_PAD_MS = 3_000;
// The engine cancels an unanswered leg at its ring timeout; this adapter does
// it too, a little later, should the engine not have.
const RING_BACKSTOP_MS = 1_000;
// A hangup that baresip does not confirm with CALL_CLOSED ends the leg anyway.
const HANGUP_CONFIRM_MS = 3_000;
const COMMAND_TIMEOUT_MS = 5_000;
const DIGITS = /^[0-9*#A-Da-d]{1,32}$/;
const ENDED_CALL_IDS = 1_000;

// Legs over SIP through the instance's baresip (BaresipSupervisor). Each leg
// gets its own user agent (`uanew`) because baresip's audio source is per user
// agent: its AOR carries the From user and the trunk's credentials, events are
// matched to the leg by that AOR, and it is deleted when the leg ends. Every
// command that acts on "the current user agent" is sent as `uafind` + command
// in one write, one group at a time.
export class SipAdapter implements VoiceProviderAdapter {
  readonly kind = 'sip' as const;
  private readonly legs = new Map<string, Leg>();
  private readonly legsByAor = new Map<string, Leg>();
  private readonly listeners = new Set<(event: ProviderEvent) => void>();
  private readonly promptCopies = new Map<string, Promise<string>>();
  private readonly endedCallIds = new Set<string>(); // the last ENDED_CALL_IDS, oldest first
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: SipSettings,
    private readonly supervisor: BaresipSupervisor | null,
    private readonly options: SipAdapterOptions = {},
  ) {
    if (supervisor) {
      supervisor.onEvent((event) => this.onAgentEvent(event));
      supervisor.onLost((reason) => this.agentLost(reason));
      supervisor.onReady((send) => this.prepareAgent(send));
    }
  }

  availability(): { available: true } | { available: false; reason: string } {
    if (!this.settings.enabled) return { available: false, reason: `SIP is off: ${this.settings.reason}` };
    const reason = this.supervisor?.unavailableReason;
    return reason ? { available: false, reason } : { available: true };
  }

  onEvent(listener: (event: ProviderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Legs this adapter carries now (not ended).
  get activeLegs(): number {
    return this.legs.size;
  }

  async dial(request: DialRequest): Promise<void> {
    const availability = this.availability();
    if (!availability.available) throw new Error(availability.reason);
    if (this.legs.has(request.legId)) throw new Error(`leg ${request.legId} is already being carried`);
    const target = sipDialTarget(request);
    const aor = this.freeAor(target.fromUser, target.hostPort);
    const leg: Leg = { request, aor, providerCallId: request.legId, callIdKnown: false, seq: 0, dialedAt: Date.now(), ringingSent: false, answered: false, ended: false, hungUpByUs: false, ringTimedOut: false };
    this.legs.set(request.legId, leg);
    this.legsByAor.set(aor, leg);
    leg.dialing = (async () => {
      const account = [
        `<${aor}>`,
        'regint=0',
        'answermode=manual',
        'audio_codecs=PCMU,PCMA',
        `audio_source=aufile,${this.silencePath}`,
        ...(target.authUser ? [`auth_user=${target.authUser}`] : []),
        ...(target.authPassword ? [`auth_pass=${target.authPassword}`] : []),
      ].join(';');
      const [created] = await this.run({ command: 'uanew', params: account });
      if (!created.ok) throw new Error(`the SIP user agent refused the account ${aor}: ${oneLine(created.data)}`);
      const [found, dialed] = await this.run({ command: 'uafind', params: aor }, { command: 'dial', params: target.requestUri });
      if (!found.ok) throw new Error(`the SIP user agent lost the account ${aor}`);
      if (!dialed.ok) throw new Error(`the SIP user agent could not dial ${target.requestUri}: ${oneLine(dialed.data) || 'refused'}`);
    })();
    try {
      await leg.dialing;
    } catch (error) {
      // A fast failure's CALL_CLOSED may have come first: the leg has ended
      // with its cause, and that is the answer.
      if (leg.ended) return;
      this.forget(leg);
      throw error;
    } finally {
      leg.dialing = undefined;
    }
    if (leg.ended) return;
    leg.ringTimer = setTimeout(() => {
      if (leg.answered || leg.ended) return;
      leg.ringTimedOut = true;
      void this.hangup(request.legId).catch(() => undefined);
    }, request.ringTimeoutMs + RING_BACKSTOP_MS);
    leg.rearmTimer = setInterval(() => {
      if (!leg.playing && !leg.ended) void this.armSilence(leg).catch(() => undefined);
    }, this.rearmEveryMs);
  }

  async hangup(legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended) return;
    leg.hungUpByUs = true;
    if (!leg.answered && Date.now() - leg.dialedAt >= leg.request.ringTimeoutMs - 50) leg.ringTimedOut = true;
    await leg.dialing?.catch(() => undefined);
    if (leg.ended) return;
    leg.closeTimer ??= setTimeout(() => this.end(leg, { cause: !leg.answered && leg.ringTimedOut ? 'no_answer' : 'local_hangup', sipCode: null, reason: 'hung up; the SIP user agent did not confirm it' }), HANGUP_CONFIRM_MS);
    await this.run({ command: 'uafind', params: leg.aor }, { command: 'hangup' }).catch(() => undefined);
  }

  async play(legId: string, promptId: string, wavPath: string): Promise<void> {
    const leg = this.answeredLeg(legId, 'play a prompt on');
    const prompt = await readPrompt(wavPath).catch((error: Error) => {
      throw new Error(`prompt ${promptId}: ${error.message}`);
    });
    const file = await this.promptCopy(wavPath, prompt.info);
    if (leg.ended) throw new Error(`leg ${legId} has ended`);
    this.clearPrompt(leg);
    const [found, switched] = await this.run({ command: 'uafind', params: leg.aor }, { command: 'ausrc', params: `aufile,${file}` });
    if (!found.ok || /fail|no such/i.test(switched.data)) {
      void this.armSilence(leg).catch(() => undefined); // whatever it played before runs out otherwise
      throw new Error(`the SIP user agent could not play prompt ${promptId}: ${oneLine(switched.data) || 'no such leg'}`);
    }
    const timer = setTimeout(() => {
      if (leg.playing?.timer !== timer || leg.ended) return;
      leg.playing = undefined;
      this.emit(leg, { kind: 'prompt_ended', promptId });
      void this.armSilence(leg).catch(() => undefined);
    }, prompt.durationMs);
    leg.playing = { promptId, timer };
  }

  // Stops the prompt without a prompt_ended (the engine stopped it).
  async stopPlaying(legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended || !leg.playing) return;
    this.clearPrompt(leg);
    await this.armSilence(leg);
  }

  async sendDtmf(legId: string, digits: string): Promise<void> {
    if (!DIGITS.test(digits)) throw new Error(`DTMF digits must be 1 to 32 of 0-9, *, #, A-D (got ${JSON.stringify(digits)})`);
    const leg = this.answeredLeg(legId, 'send DTMF on');
    const [found, sent] = await this.run({ command: 'uafind', params: leg.aor }, { command: 'sndcode', params: digits.toUpperCase() });
    if (!found.ok || !sent.ok) throw new Error(`the SIP user agent could not send DTMF on leg ${legId}: ${oneLine(sent.data) || 'no such leg'}`);
  }

  // The silence source is re-armed well before its file runs out.
  private get rearmEveryMs(): number {
    return Math.floor((this.agentSettings().silenceMs * 2) / 3);
  }

  private get silencePath(): string {
    return join(this.agentSettings().stateDir, 'silence.wav');
  }

  private agentSettings() {
    if (!this.settings.enabled) throw new Error(`SIP is off: ${this.settings.reason}`);
    return this.settings;
  }

  // The user agent that is current whenever no leg's is: baresip's `uadel` of
  // the current user agent leaves it dangling. Inbound calls to its user
  // ("switchboard") find it; nothing answers them yet.
  private get homeAor(): string {
    const { host, port } = this.agentSettings().listen;
    return `sip:switchboard@${host}:${port}`;
  }

  private async prepareAgent(send: (...commands: CtrlCommand[]) => Promise<CtrlResponse[]>): Promise<void> {
    this.promptCopies.clear();
    await rm(join(this.agentSettings().stateDir, 'prompts'), { recursive: true, force: true });
    const account = `<${this.homeAor}>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aufile,${this.silencePath}`;
    const [created] = await send({ command: 'uanew', params: account });
    if (!created.ok) throw new Error(`the SIP user agent refused its own account: ${oneLine(created.data)}`);
  }

  private answeredLeg(legId: string, what: string): Leg {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended) throw new Error(`cannot ${what} leg ${legId}: no such leg on this instance`);
    if (!leg.answered) throw new Error(`cannot ${what} leg ${legId}: it is not answered`);
    return leg;
  }

  // The leg's AOR: the From user on the trunk's domain, spelt so that no live
  // leg has the same text (see userSpelling).
  private freeAor(user: string, hostPort: string): string {
    for (let n = 0; ; n++) {
      const spelling = userSpelling(user, n);
      if (spelling === undefined) throw new Error(`too many concurrent legs from ${user} on ${hostPort}`);
      const aor = `sip:${spelling}@${hostPort}`;
      if (!this.legsByAor.has(aor)) return aor;
    }
  }

  private onAgentEvent(event: CtrlEvent): void {
    if (event.class !== 'call' || event.direction === 'incoming' || !event.accountaor) return;
    const leg = this.legsByAor.get(event.accountaor);
    if (!leg || leg.ended) return;
    // A late event of an ended leg whose AOR a new leg has taken.
    if (event.id && (this.endedCallIds.has(event.id) || (leg.callIdKnown && event.id !== leg.providerCallId))) return;
    if (event.id && !leg.callIdKnown) {
      leg.providerCallId = event.id;
      leg.callIdKnown = true;
    }
    switch (event.type) {
      case 'CALL_RINGING':
      case 'CALL_PROGRESS':
        if (leg.answered || leg.ringingSent) return;
        leg.ringingSent = true;
        this.emit(leg, { kind: 'ringing', sipCode: event.type === 'CALL_RINGING' ? 180 : 183 });
        return;
      case 'CALL_ESTABLISHED':
        if (leg.answered) return;
        leg.answered = true;
        clearTimeout(leg.ringTimer);
        this.emit(leg, { kind: 'answered' });
        return;
      case 'CALL_DTMF_START':
        if (leg.answered && event.param) this.emit(leg, { kind: 'dtmf', digit: event.param });
        return;
      case 'CALL_CLOSED':
        this.end(leg, legEndFromClosed(event.param ?? '', leg));
        return;
      default:
        return;
    }
  }

  private end(leg: Leg, end: LegEnd, userAgentGone = false): void {
    if (leg.ended) return;
    leg.ended = true;
    this.clearPrompt(leg);
    clearTimeout(leg.ringTimer);
    clearInterval(leg.rearmTimer);
    clearTimeout(leg.closeTimer);
    this.emit(leg, { kind: 'ended', cause: end.cause, sipCode: end.sipCode, reason: end.reason });
    if (leg.callIdKnown) {
      this.endedCallIds.add(leg.providerCallId);
      if (this.endedCallIds.size > ENDED_CALL_IDS) this.endedCallIds.delete(this.endedCallIds.values().next().value!);
    }
    this.forget(leg, userAgentGone);
  }

  private forget(leg: Leg, userAgentGone = false): void {
    this.legs.delete(leg.request.legId);
    this.legsByAor.delete(leg.aor);
    if (userAgentGone || !this.supervisor?.running) return;
    void this.run({ command: 'uafind', params: this.homeAor }, { command: 'uadel', params: leg.aor }).catch(() => undefined);
  }

  private agentLost(reason: string): void {
    this.queue = Promise.resolve();
    const carried = [...this.legs.values()];
    for (const leg of carried) this.end(leg, { cause: 'agent_lost', sipCode: null, reason }, true);
    if (carried.length > 0) this.options.warn?.(`${reason}; the ${carried.length} leg(s) it carried have ended`);
  }

  private clearPrompt(leg: Leg): void {
    if (!leg.playing) return;
    clearTimeout(leg.playing.timer);
    leg.playing = undefined;
  }

  private async armSilence(leg: Leg): Promise<void> {
    if (leg.ended) return;
    await this.run({ command: 'uafind', params: leg.aor }, { command: 'ausrc', params: `aufile,${this.silencePath}` });
  }

  // A padded copy of the prompt in the agent's directory, made once per file
  // version: a short path (baresip takes 127 characters) that outlasts the prompt.
  private async promptCopy(wavPath: string, info: WavInfo): Promise<string> {
    const { mtimeMs, size } = await stat(wavPath);
    const key = createHash('sha256').update(`${wavPath}\0${mtimeMs}\0${size}`).digest('hex').slice(0, 20);
    let copy = this.promptCopies.get(key);
    if (!copy) {
      copy = (async () => {
        const dir = join(this.agentSettings().stateDir, 'prompts');
        const file = join(dir, `${key}.wav`);
        await mkdir(dir, { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        await writeFile(temporary, await paddedPrompt(wavPath, info, PROMPT_PAD_MS));
        await rename(temporary, file);
        return file;
      })();
      this.promptCopies.set(key, copy);
      copy.catch(() => this.promptCopies.delete(key));
    }
    return copy;
  }

  private emit(leg: Leg, event: DistributiveOmit<ProviderEvent, 'legId' | 'providerCallId' | 'seq' | 'at'>): void {
    const full = { ...event, legId: leg.request.legId, providerCallId: leg.providerCallId, seq: ++leg.seq, at: new Date() } as ProviderEvent;
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (error) {
        this.options.warn?.(`a listener of SIP events failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  // One group of commands at a time: each may select the current user agent.
  private run(...commands: CtrlCommand[]): Promise<CtrlResponse[]> {
    const supervisor = this.supervisor;
    if (!supervisor) return Promise.reject(new Error(this.settings.enabled ? 'the SIP user agent is not running' : `SIP is off: ${this.settings.reason}`));
    const what = commands.map((c) => c.command).join(' + ');
    const result = this.queue.then(() =>
      withTimeout(supervisor.send(...commands), COMMAND_TIMEOUT_MS, () => {
        // Hung: every leg waits behind it. Killed and restarted (legs end agent_lost).
        supervisor.recycle(`it did not answer ${what} within ${COMMAND_TIMEOUT_MS / 1000} s`);
        return `the SIP user agent did not answer ${what} within ${COMMAND_TIMEOUT_MS / 1000} s`;
      }),
    );
    this.queue = result.catch(() => undefined);
    return result;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function withTimeout<T>(promise: Promise<T>, ms: number, late: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(late())), ms)));
  return Promise.race([promise, tooLate]).finally(() => clearTimeout(timer));
}
