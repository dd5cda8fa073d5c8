import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CtrlEvent, CtrlTcpClient } from '../../src/telephony/sip/ctrl-tcp-client';
import { findBaresip } from '../../src/telephony/sip/sip-settings';
import { wavFile } from '../../src/telephony/sip/wav-files';

// What the far end does with a call to one of its numbers.
export type PeerBehaviour =
  | { answer: true; hangupAfterMs?: number; dtmf?: { afterMs: number; digits: string }; stopMediaAfterMs?: number }
  | { reject: true } // 486 (baresip's "Rejected")
  | { ignore: true }; // rings until the caller gives up

export interface PeerCall {
  number: string;
  callId: string;
  events: string[]; // CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, …
  closedWith?: string;
  digits: string;
}

// The packages the SIP tests need; a machine without them fails those tests
// with this message (they never skip).
export const SIP_PACKAGES_MESSAGE = 'the SIP tests need the Debian packages baresip-core, sox and espeak-ng: apt-get install -y --no-install-recommends baresip-core espeak-ng sox (as root; .ci/run does it)';

export function requireSipPackages(): string {
  const binary = findBaresip();
  const missing = [binary ? undefined : 'baresip-core', hasProgram('sox') ? undefined : 'sox', hasProgram('espeak-ng') ? undefined : 'espeak-ng'].filter(Boolean);
  if (!binary || missing.length > 0) throw new Error(`missing ${missing.join(', ')}: ${SIP_PACKAGES_MESSAGE}`);
  return binary;
}

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// A SIP port pair (baresip takes P and P+1, UDP and TCP) and a block of RTP
// ports that are free now, picked at random so parallel test files rarely meet.
export async function freeSipPorts(): Promise<{ sip: number; rtp: { low: number; high: number } }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const sip = 20_000 + 2 * Math.floor(Math.random() * 4_000);
    const rtpLow = 30_000 + 100 * Math.floor(Math.random() * 300);
    if ((await portsFree([sip, sip + 1])) && (await portsFree([rtpLow, rtpLow + 1]))) return { sip, rtp: { low: rtpLow, high: rtpLow + 99 } };
  }
  throw new Error('no free ports for a SIP test');
}

async function portsFree(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const tcp = await new Promise<Server | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
    if (!tcp) return false;
    const udp = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    await new Promise((r) => tcp.close(r));
    if (!udp) return false;
  }
  return true;
}

// A second baresip, the far end of the tests' calls: one account per number,
// each with its behaviour, driven over its own ctrl_tcp by this process. It
// records what it receives (sndfile) and the DTMF it hears.
export class SipPeer {
  readonly calls: PeerCall[] = [];
  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly client: CtrlTcpClient,
    private readonly behaviours: Record<string, PeerBehaviour>,
  ) {}

  // The trunk URI an adapter dials through.
  get uri(): string {
    return `sip:${this.host}:${this.port}`;
  }

  get recordingsDir(): string {
    return join(this.dir, 'recordings');
  }

  // The received audio of finished calls (baresip's sndfile writes *-dec.wav).
  recordings(): string[] {
    if (!existsSync(this.recordingsDir)) return [];
    return readdirSync(this.recordingsDir).filter((f) => f.endsWith('-dec.wav')).sort().map((f) => join(this.recordingsDir, f));
  }

  callTo(number: string): PeerCall | undefined {
    return this.calls.filter((c) => c.number === number).at(-1);
  }

  static async start(behaviours: Record<string, PeerBehaviour>): Promise<SipPeer> {
    const binary = requireSipPackages();
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await SipPeer.launch(binary, behaviours);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private static async launch(binary: string, behaviours: Record<string, PeerBehaviour>): Promise<SipPeer> {
    const { sip, rtp } = await freeSipPorts();
    const ctrl = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const dir = await mkdtemp(join(tmpdir(), 'sb-peer-'));
    const silence = join(dir, 'silence.wav');
    await writeFile(silence, wavFile(Buffer.alloc(0), 120_000));
    const host = '127.0.0.1';
    await writeFile(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen ${host}:${sip}`,
        `net_interface ${host}`,
        `rtp_ports ${rtp.low}-${rtp.high}`,
        'call_max_calls 1000',
        `audio_source aufile,${silence}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module sndfile.so',
        `snd_path ${join(dir, 'recordings')}`,
        'module_tmp account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrl}`,
        'ringback_disabled yes',
        '',
      ].join('\n'),
    );
    // Each account its own source: `ausrc` (stopMediaAfterMs) also changes the
    // global default, which must not reach later calls.
    const accounts = Object.entries(behaviours).map(
      ([number, behaviour]) => `<sip:${number}@${host}:${sip}>;regint=0;answermode=${'answer' in behaviour ? 'auto' : 'manual'};audio_codecs=PCMU,PCMA;audio_source=aufile,${silence}`,
    );
    await writeFile(join(dir, 'accounts'), `${accounts.join('\n')}\n`);
    await mkdir(join(dir, 'recordings'));

    const child = spawn(binary, ['-4', '-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test peer did not start: ${output.slice(-500)}`)), 10_000);
      const collect = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('baresip is ready.')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the test peer exited (${code}): ${output.slice(-500)}`));
      });
    });
    child.stdout!.resume();
    child.stderr!.resume();
    const peer: { it?: SipPeer } = {};
    const client = await CtrlTcpClient.connect(ctrl, (event) => peer.it?.onEvent(event));
    peer.it = new SipPeer(host, sip, dir, child, client, behaviours);
    return peer.it;
  }

  private onEvent(event: CtrlEvent): void {
    if (event.class !== 'call' || event.direction !== 'incoming' || !event.accountaor || !event.id) return;
    const number = /^sip:([^@]+)@/.exec(event.accountaor)?.[1] ?? '';
    let call = this.calls.find((c) => c.callId === event.id);
    if (!call) {
      call = { number, callId: event.id, events: [], digits: '' };
      this.calls.push(call);
    }
    call.events.push(event.type);
    const behaviour = this.behaviours[number];
    const aor = event.accountaor;
    const act = (command: string, params = '') => void this.client.send({ command: 'uafind', params: aor }, { command, params }).catch(() => undefined);
    switch (event.type) {
      case 'CALL_INCOMING':
        if (behaviour && 'reject' in behaviour) act('hangup');
        return;
      case 'CALL_ESTABLISHED':
        if (!behaviour || !('answer' in behaviour)) return;
        if (behaviour.dtmf) setTimeout(() => act('sndcode', behaviour.dtmf!.digits), behaviour.dtmf.afterMs);
        if (behaviour.hangupAfterMs !== undefined) setTimeout(() => act('hangup'), behaviour.hangupAfterMs);
        // A source that cannot open leaves the call without one: no RTP goes out.
        if (behaviour.stopMediaAfterMs !== undefined) setTimeout(() => act('ausrc', `aufile,${join(this.dir, 'no-such-file.wav')}`), behaviour.stopMediaAfterMs);
        return;
      case 'CALL_DTMF_START':
        call.digits += event.param ?? '';
        return;
      case 'CALL_CLOSED':
        call.closedWith = event.param;
        return;
      default:
        return;
    }
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

// Audio for prompts: speech from espeak-ng, made 8 kHz mono 16-bit by sox.
export function speechWav(text: string, path: string): void {
  const raw = `${path}.espeak.wav`;
  execFileSync('espeak-ng', ['-w', raw, text]);
  execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', path]);
}

// sox's RMS amplitude of a WAV file (0 for silence).
export function rmsAmplitude(path: string): number {
  const report = spawnSync('sox', [path, '-n', 'stat'], { encoding: 'utf8' }).stderr;
  return Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(report)?.[1] ?? NaN);
}
