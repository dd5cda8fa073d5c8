import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../src/database/embedded-processes';
import { BaresipSupervisor } from '../src/telephony/sip/baresip-supervisor';
import { SipAdapter } from '../src/telephony/sip/sip-adapter';
import { SipAgentSettings } from '../src/telephony/sip/sip-settings';
import { wavFile } from '../src/telephony/sip/wav-files';
import { DialRequest, ProviderEvent } from '../src/telephony/voice-provider.port';
import { freeSipPorts, requireSipPackages, rmsAmplitude, SipPeer, speechWav } from './support/sip-peer';
import { DigestTrunk } from './support/sip-digest-trunk';
import { until } from './support/waits';

// The SIP adapter against a second baresip on loopback: real SIP and RTP.
// Without baresip-core, sox and espeak-ng these tests fail (never skip).

const ANSWER = '+15550001';
const REJECT = '+15550002';
const IGNORE = '+15550003';
const HANG_UP = '+15550004';
const SEND_DTMF = '+15550005';
const GO_SILENT = '+15550006';
const UNKNOWN = '+15559999';

type Ended = Extract<ProviderEvent, { kind: 'ended' }>;

let binary: string;
let dir: string;
let peer: SipPeer;
let settings: SipAgentSettings;
let supervisor: BaresipSupervisor;
let adapter: SipAdapter;
const events: ProviderEvent[] = [];
const warnings: string[] = [];
let nobodyThere: { legId: string; dialed: Promise<void>; startedAt: number } | undefined;

beforeAll(async () => {
  binary = requireSipPackages();
  dir = await mkdtemp(join(tmpdir(), 'sb-sip-'));
  peer = await SipPeer.start({
    [ANSWER]: { answer: true },
    [REJECT]: { reject: true },
    [IGNORE]: { ignore: true },
    [HANG_UP]: { answer: true, hangupAfterMs: 300 },
    [SEND_DTMF]: { answer: true, dtmf: { afterMs: 300, digits: '42#' } },
    [GO_SILENT]: { answer: true, stopMediaAfterMs: 200 },
  });
  const ports = await freeSipPorts();
  settings = { binary, listen: { host: '127.0.0.1', port: ports.sip }, rtpPorts: ports.rtp, stateDir: join(dir, 'sip'), rtpTimeoutSeconds: 2, silenceMs: 3_000 };
  supervisor = new BaresipSupervisor(settings, { warn: (line) => warnings.push(line) });
  adapter = new SipAdapter({ enabled: true, ...settings }, supervisor, { warn: (line) => warnings.push(line) });
  adapter.onEvent((event) => events.push(event));
  await supervisor.start();
  // Nothing listens there over UDP: baresip gives up after SIP's 32 s
  // transaction timeout. Dialed first, checked last, so it overlaps the rest.
  const { sip: closedPort } = await freeSipPorts();
  const legId = `nobody-${randomUUID()}`;
  nobodyThere = { legId, startedAt: Date.now(), dialed: adapter.dial(request(legId, UNKNOWN, { trunk: `sip:127.0.0.1:${closedPort}`, ringTimeoutMs: 60_000 })) };
}, 30_000);

afterAll(async () => {
  await supervisor?.stop();
  await peer?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function request(legId: string, to: string, options: { trunk?: string; ringTimeoutMs?: number; fromUser?: string | null; username?: string; password?: string } = {}): DialRequest {
  return {
    legId,
    companyId: 'c1',
    callId: legId,
    to,
    from: '+13392195276',
    ringTimeoutMs: options.ringTimeoutMs ?? 5_000,
    provider: { providerId: 'p1', kind: 'sip', sip: { uri: options.trunk ?? peer.uri, username: options.username ?? null, password: options.password ?? null, fromUser: options.fromUser ?? null } },
  };
}

function legEvents(legId: string): ProviderEvent[] {
  return events.filter((e) => e.legId === legId);
}

async function ended(legId: string, withinMs = 10_000): Promise<Ended> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const end = legEvents(legId).find((e): e is Ended => e.kind === 'ended');
    if (end) return end;
    if (Date.now() > deadline) throw new Error(`leg ${legId} did not end within ${withinMs} ms: ${JSON.stringify(legEvents(legId))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function dialed(to: string, options?: Parameters<typeof request>[2]): Promise<string> {
  const legId = `leg-${randomUUID()}`;
  await adapter.dial(request(legId, to, options));
  return legId;
}

async function answered(to: string, options?: Parameters<typeof request>[2]): Promise<string> {
  const legId = await dialed(to, options);
  await until(`leg to ${to} is answered`, () => legEvents(legId).some((e) => e.kind === 'answered' || e.kind === 'ended'));
  if (!kinds(legId).includes('answered')) throw new Error(`leg to ${to} was not answered: ${JSON.stringify(legEvents(legId))}`);
  expect(kinds(legId)).toEqual(['ringing', 'answered']);
  return legId;
}

const kinds = (legId: string) => legEvents(legId).map((e) => e.kind);

describe('SipAdapter over real SIP', () => {
  it('is available while its user agent runs', () => {
    expect(adapter.availability()).toEqual({ available: true });
    expect(supervisor.pid && isAlive(supervisor.pid)).toBeTruthy();
  });

  it('answered, then hung up by us: ringing (180), answered, ended local_hangup; seq from 1, one SIP Call-ID', async () => {
    const started = Date.now();
    const legId = await answered(ANSWER);
    const answerMs = Date.now() - started;
    await adapter.hangup(legId);
    const end = await ended(legId);
    expect(end).toMatchObject({ cause: 'local_hangup', sipCode: null });
    const all = legEvents(legId);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all[0]).toMatchObject({ kind: 'ringing', sipCode: 180 });
    expect(new Set(all.map((e) => e.providerCallId)).size).toBe(1);
    expect(all[0].providerCallId).not.toBe(legId); // the SIP Call-ID, not ours
    await until('the peer saw our BYE', () => peer.callTo(ANSWER)?.closedWith !== undefined);
    expect(peer.callTo(ANSWER)!.closedWith).toBe('Connection reset by peer');
    expect(answerMs).toBeLessThan(2_000);
    console.log(`SIP dial → answered on loopback: ${answerMs} ms`);
  });

  it('rejected by the far end: ended busy with 486, never answered', async () => {
    const legId = await dialed(REJECT);
    const end = await ended(legId);
    expect(end).toMatchObject({ cause: 'busy', sipCode: 486 });
    expect(end.reason).toMatch(/^486 /);
    expect(kinds(legId)).not.toContain('answered');
  });

  it('a number the far end does not know: ended wrong_number with 404', async () => {
    const legId = await dialed(UNKNOWN);
    expect(await ended(legId)).toMatchObject({ cause: 'wrong_number', sipCode: 404, reason: '404 Not Found' });
  });

  it('not answered: the engine cancels at the ring timeout → ringing, ended no_answer; the far end saw the CANCEL', async () => {
    const legId = await dialed(IGNORE, { ringTimeoutMs: 400 });
    await until('ringing', () => kinds(legId).includes('ringing'));
    await new Promise((r) => setTimeout(r, 400));
    await adapter.hangup(legId);
    expect(await ended(legId)).toMatchObject({ cause: 'no_answer', sipCode: null });
    expect(kinds(legId)).toEqual(['ringing', 'ended']);
    await until('the peer saw the CANCEL', () => peer.callTo(IGNORE)?.closedWith !== undefined);
  });

  it('not answered and not cancelled by the engine: the adapter cancels it itself, no_answer', async () => {
    const legId = await dialed(IGNORE, { ringTimeoutMs: 200 });
    expect(await ended(legId, 5_000)).toMatchObject({ cause: 'no_answer' });
  });

  it('cancelled by us before the ring timeout: local_hangup', async () => {
    const legId = await dialed(IGNORE, { ringTimeoutMs: 5_000 });
    await until('ringing', () => kinds(legId).includes('ringing'));
    await adapter.hangup(legId);
    expect(await ended(legId)).toMatchObject({ cause: 'local_hangup' });
  });

  it('hung up while the dial is still on its way: the hangup waits for it, then cancels (local_hangup)', async () => {
    const legId = `leg-${randomUUID()}`;
    const dialing = adapter.dial(request(legId, IGNORE));
    await adapter.hangup(legId);
    await dialing;
    expect(await ended(legId)).toMatchObject({ cause: 'local_hangup' });
    expect(kinds(legId).filter((k) => k === 'ended')).toHaveLength(1);
    await expect(adapter.dial(request(legId, IGNORE))).resolves.toBeUndefined(); // the id is free again
    await adapter.hangup(legId);
    await until('the second leg with that id ended', () => kinds(legId).filter((k) => k === 'ended').length === 2);
  });

  it('hung up by the far end after answer: remote_hangup', async () => {
    const legId = await answered(HANG_UP);
    expect(await ended(legId)).toMatchObject({ cause: 'remote_hangup', sipCode: null, reason: 'Connection reset by peer' });
  });

  it('DTMF both ways (RFC 4733): the far end\'s keys arrive as dtmf events in order; ours reach the far end', async () => {
    const legId = await answered(SEND_DTMF);
    await until('three digits', () => legEvents(legId).filter((e) => e.kind === 'dtmf').length >= 3);
    expect(legEvents(legId).flatMap((e) => (e.kind === 'dtmf' ? [e.digit] : []))).toEqual(['4', '2', '#']);
    await adapter.sendDtmf(legId, '19*');
    await until('the peer heard 19*', () => peer.callTo(SEND_DTMF)?.digits === '19*');
    await expect(adapter.sendDtmf(legId, '1x')).rejects.toThrow('DTMF digits must be 1 to 32 of 0-9, *, #, A-D');
    await adapter.hangup(legId);
    await ended(legId);
  });

  it('no RTP from the far end for the RTP timeout: media_timeout', async () => {
    const legId = await answered(GO_SILENT);
    const end = await ended(legId, 8_000);
    expect(end).toMatchObject({ cause: 'media_timeout', sipCode: null });
  });

  it('a trunk that refuses the connection (TCP): provider_error at once', async () => {
    const { sip: closed } = await freeSipPorts();
    const legId = await dialed(ANSWER, { trunk: `sip:127.0.0.1:${closed};transport=tcp` });
    expect(await ended(legId, 3_000)).toMatchObject({ cause: 'provider_error', sipCode: null, reason: 'Connection refused' });
  });

  it('bad input is refused with a message before anything is dialed', async () => {
    const carried = adapter.activeLegs;
    await expect(adapter.dial(request(`bad-${randomUUID()}`, ANSWER, { trunk: 'http://example.com' }))).rejects.toThrow('is not a sip:host[:port] URI');
    await expect(adapter.dial(request(`bad-${randomUUID()}`, '555 1234'))).rejects.toThrow('cannot be dialed over SIP');
    await expect(adapter.dial(request(`bad-${randomUUID()}`, ANSWER, { fromUser: 'a b' }))).rejects.toThrow('cannot be sent over SIP');
    await expect(adapter.play('no-such-leg', 'p1', '/nonexistent.wav')).rejects.toThrow('no such leg');
    await expect(adapter.hangup('no-such-leg')).resolves.toBeUndefined();
    expect(adapter.activeLegs).toBe(carried);
  });

  it('concurrent legs with the same caller id are told apart (each its own user agent)', async () => {
    const [a, b] = await Promise.all([answered(ANSWER), answered(ANSWER)]);
    await adapter.hangup(b);
    expect(await ended(b)).toMatchObject({ cause: 'local_hangup' });
    expect(kinds(a)).toEqual(['ringing', 'answered']);
    await adapter.sendDtmf(a, '7');
    await adapter.hangup(a);
    expect(await ended(a)).toMatchObject({ cause: 'local_hangup' });
  });

  it('a trunk with nobody on it (UDP): no_response after the SIP transaction timeout', async () => {
    const { legId, dialed: dialing, startedAt } = nobodyThere!;
    await dialing;
    const end = await ended(legId, Math.max(1_000, 40_000 - (Date.now() - startedAt)));
    expect(end).toMatchObject({ cause: 'no_response', sipCode: null, reason: 'Connection timed out' });
  }, 45_000);
  it('a trunk that asks for credentials gets the provider\'s (digest), and the provider\'s From user', async () => {
    const trunk = await DigestTrunk.start('acme', 's3cr3t!');
    try {
      const legId = await dialed('+18596579625', { trunk: trunk.uri, username: 'acme', password: 's3cr3t!', fromUser: '+13390000001' });
      expect(await ended(legId)).toMatchObject({ cause: 'busy', sipCode: 486 }); // what the trunk answers once satisfied
      expect(trunk.invites.map((i) => i.authorized)).toEqual([null, true]);
      expect(trunk.invites[1].from).toContain('<sip:+13390000001@127.0.0.1');
      expect(trunk.invites[1].requestUri).toBe(`sip:+18596579625@127.0.0.1:${trunk.port};x-id=${legId}`);
      const wrong = await dialed('+18596579625', { trunk: trunk.uri, username: 'acme', password: 'wrong', fromUser: '+13390000001' });
      const refused = await ended(wrong);
      expect(refused).toMatchObject({ cause: 'provider_error', sipCode: 407 });
    } finally {
      trunk.close();
    }
  });

  it('a call outlives its silence file many times over (the source is re-armed; baresip would hang up at its end)', async () => {
    const legId = await answered(ANSWER, { username: 'acme', password: 's3cr3t!' }); // credentials are offered when challenged
    await new Promise((r) => setTimeout(r, 3 * settings.silenceMs));
    expect(kinds(legId)).toEqual(['ringing', 'answered']);
    await adapter.hangup(legId);
    expect(await ended(legId)).toMatchObject({ cause: 'local_hangup' });
  }, 20_000);

  it('eight concurrent legs: each command reaches its own call', async () => {
    const digits = '12345678';
    const legs = await Promise.all([...digits].map(() => answered(ANSWER)));
    await Promise.all(legs.map((legId, i) => adapter.sendDtmf(legId, digits[i])));
    const callIdOf = (legId: string) => legEvents(legId)[0].providerCallId;
    await until('the peer heard each digit on its own call', () => legs.every((legId, i) => peer.calls.find((c) => c.callId === callIdOf(legId))?.digits === digits[i]));
    await Promise.all(legs.map((legId) => adapter.hangup(legId)));
    for (const legId of legs) expect(await ended(legId)).toMatchObject({ cause: 'local_hangup' });
  });

  it('the user agent killed mid-call: its legs end agent_lost, it is restarted, the next dial works', async () => {
    const legId = await answered(ANSWER);
    const killed = supervisor.pid!;
    process.kill(killed, 'SIGKILL');
    const end = await ended(legId, 5_000);
    expect(end).toMatchObject({ cause: 'agent_lost', sipCode: null });
    expect(end.reason).toContain(`pid ${killed}) killed by SIGKILL`);
    expect(kinds(legId)).toEqual(['ringing', 'answered', 'ended']);
    await until('the user agent runs again', () => supervisor.running);
    expect(supervisor.pid).not.toBe(killed);
    expect(adapter.availability()).toEqual({ available: true });
    const next = await answered(ANSWER);
    await adapter.hangup(next);
    expect(await ended(next)).toMatchObject({ cause: 'local_hangup' });
    expect(warnings.some((w) => w.includes('killed by SIGKILL'))).toBe(true);
  });

});

describe('a user agent that stops answering', () => {
  it('is killed when a command times out and restarted; its legs end agent_lost saying why', async () => {
    const legId = await answered(ANSWER);
    const stuck = supervisor.pid!;
    process.kill(stuck, 'SIGSTOP');
    await expect(adapter.sendDtmf(legId, '1')).rejects.toThrow('the SIP user agent did not answer uafind + sndcode within 5 s');
    const end = await ended(legId, 3_000);
    expect(end).toMatchObject({ cause: 'agent_lost', sipCode: null });
    expect(end.reason).toBe(`the SIP user agent (baresip, pid ${stuck}) was killed because it did not answer uafind + sndcode within 5 s`);
    await until('the user agent runs again', () => supervisor.running);
    const next = await answered(ANSWER);
    await adapter.hangup(next);
    expect(await ended(next)).toMatchObject({ cause: 'local_hangup' });
  }, 20_000);
});

describe('prompts over real RTP', () => {
  let promptPeer: SipPeer;
  let speech: string;

  beforeAll(async () => {
    promptPeer = await SipPeer.start({ [ANSWER]: { answer: true } });
    speech = join(dir, 'speech.wav');
    speechWav('Hello, your order has shipped.', speech);
  });

  afterAll(async () => {
    await promptPeer?.stop();
  });

  it('plays an 8 kHz WAV: prompt_ended after its duration, the call stays up, and the far end hears it', async () => {
    const legId = await answered(ANSWER, { trunk: promptPeer.uri });
    const started = Date.now();
    await adapter.play(legId, 'welcome', speech);
    await until('prompt_ended', () => kinds(legId).includes('prompt_ended'));
    const playedMs = Date.now() - started;
    expect(legEvents(legId).find((e) => e.kind === 'prompt_ended')).toMatchObject({ promptId: 'welcome' });
    expect(playedMs).toBeGreaterThan(1_500); // espeak's sentence lasts about 2 s
    expect(playedMs).toBeLessThan(4_000);
    // The file outlasts the prompt and silence follows: baresip does not hang up.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(kinds(legId)).not.toContain('ended');
    await adapter.hangup(legId);
    await ended(legId);
    await until('the peer wrote its recording', () => promptPeer.recordings().length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(rmsAmplitude(promptPeer.recordings().at(-1)!)).toBeGreaterThan(0.01);
  });

  it('refuses audio the user agent cannot play, saying why', async () => {
    const legId = await answered(ANSWER, { trunk: promptPeer.uri });
    const wrong = join(dir, 'stereo.wav');
    const header = wavFile(Buffer.alloc(3200), 0);
    header.writeUInt16LE(2, 22); // two channels
    writeFileSync(wrong, header);
    await expect(adapter.play(legId, 'p2', wrong)).rejects.toThrow('8000 Hz mono 16-bit PCM WAV only');
    await expect(adapter.play(legId, 'p3', join(dir, 'missing.wav'))).rejects.toThrow('cannot read');
    await adapter.hangup(legId);
    await ended(legId);
  });

  it('stopPlaying returns to silence without prompt_ended; the call stays up', async () => {
    const legId = await answered(ANSWER, { trunk: promptPeer.uri });
    await adapter.play(legId, 'long', speech);
    await adapter.stopPlaying(legId);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(kinds(legId)).toEqual(['ringing', 'answered']);
    await adapter.hangup(legId);
    await ended(legId);
  });

  it('play on a leg that is not answered is refused', async () => {
    const legId = await dialed(IGNORE, { trunk: peer.uri });
    await expect(adapter.play(legId, 'p4', speech)).rejects.toThrow('it is not answered');
    await adapter.hangup(legId);
    await ended(legId);
  });
});

describe('the supervisor', () => {
  it('kills a baresip left running by an earlier run (recorded by pid) before it starts', async () => {
    const ports = await freeSipPorts();
    const own: SipAgentSettings = { ...settings, listen: { host: '127.0.0.1', port: ports.sip }, rtpPorts: ports.rtp, stateDir: join(dir, 'stale') };
    const first = new BaresipSupervisor(own);
    await first.start();
    const leftOver = first.pid!;
    // As if the service had been killed: the process and its pid file stay.
    (first as unknown as { child: undefined }).child = undefined;
    (first as unknown as { stopWatcher(): void }).stopWatcher();
    const notices: string[] = [];
    const second = new BaresipSupervisor(own, { notice: (line) => notices.push(line) });
    await second.start();
    try {
      expect(isAlive(leftOver)).toBe(false);
      expect(notices.join('\n')).toContain(`(pid ${leftOver})`);
      expect(second.running).toBe(true);
    } finally {
      await second.stop();
    }
    expect(isAlive(second.pid ?? leftOver)).toBe(false);
  });

  it('a service killed with SIGKILL leaves no baresip behind (its watcher reads the end of a pipe)', async () => {
    const ports = await freeSipPorts();
    const own: SipAgentSettings = { ...settings, listen: { host: '127.0.0.1', port: ports.sip }, rtpPorts: ports.rtp, stateDir: join(dir, 'orphan') };
    const service = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'support', 'sip-agent-child.ts'), JSON.stringify(own)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    service.stdout!.on('data', (chunk) => (output += chunk));
    service.stderr!.on('data', (chunk) => (output += chunk));
    await until('the child service started its baresip', () => /baresip \d+/.test(output) || service.exitCode !== null);
    const pid = Number(/baresip (\d+)/.exec(output)?.[1]);
    expect(isAlive(pid)).toBe(true);
    service.kill('SIGKILL');
    await until('its baresip is gone', () => !isAlive(pid) || isZombie(pid));
  }, 30_000);

  it('a data directory too deep for baresip\'s paths fails the start with one line naming SWITCHBOARD_DATA_DIR', async () => {
    const deep = new BaresipSupervisor({ ...settings, stateDir: join(dir, 'x'.repeat(100), 'sip') });
    await expect(deep.start()).rejects.toThrow('is too long a path for baresip (at most 94 characters): set SWITCHBOARD_DATA_DIR to a shorter one');
  });

  it('a SIP port in use fails the start with one line naming SIP_LISTEN, leaving no process', async () => {
    const taken = new BaresipSupervisor({ ...settings, stateDir: join(dir, 'taken') });
    await expect(taken.start()).rejects.toThrow(`the SIP user agent cannot listen on 127.0.0.1:${settings.listen.port} (Address already in use): stop what uses that port (and the next one), or set SIP_LISTEN to a free one`);
    expect(taken.running).toBe(false);
  });
});

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
