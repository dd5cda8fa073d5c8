import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '../../database/embedded-processes';
import { baresipConfig } from './baresip-config';
import { CtrlCommand, CtrlEvent, CtrlResponse, CtrlTcpClient } from './ctrl-tcp-client';
import { SipAgentSettings, SipStartupError } from './sip-settings';
import { wavFile } from './wav-files';

export interface BaresipSupervisorOptions {
  log?: (line: string) => void; // baresip's own output
  notice?: (line: string) => void; // what the operator should know
  warn?: (line: string) => void; // it died, a restart failed
}


const READY = 'baresip is ready.';
// What baresip logs for each ACK_NUDGE (see CtrlTcpClient).
const NUDGE_ECHO = 'ctrl_tcp: missing json entries';
const START_TIMEOUT_MS = 10_000;
const RESTART_DELAYS_MS = [100, 500, 1000, 2000, 5000];
const STABLE_MS = 30_000;

type State = 'stopped' | 'starting' | 'running' | 'restarting';

// The one owner of the instance's baresip process: writes its configuration,
// starts it with the service, restarts it when it dies, stops it with the
// service. No baresip outlives the service: a normal stop ends it; a killed
// service's baresip is killed by a watcher on a pipe from this process, and a
// baresip left behind anyway (recorded by pid) is killed at the next start.
export class BaresipSupervisor {
  private state: State = 'stopped';
  private child?: ChildProcess;
  private watcher?: ChildProcess;
  private client?: CtrlTcpClient;
  private restartTimer?: NodeJS.Timeout;
  private failures = 0;
  private startedAt = 0;
  private lastExit = '';
  private killedBecause?: string;
  private readonly eventListeners = new Set<(event: CtrlEvent) => void>();
  private readonly readyListeners = new Set<(send: (...commands: CtrlCommand[]) => Promise<CtrlResponse[]>) => Promise<void> | void>();
  private readonly lostListeners = new Set<(reason: string) => void>();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    readonly settings: SipAgentSettings,
    private readonly options: BaresipSupervisorOptions = {},
  ) {}

  get pid(): number | undefined {
    return this.state === 'running' ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  // Why it cannot carry calls now (undefined: it can).
  get unavailableReason(): string | undefined {
    if (this.state === 'running') return undefined;
    if (this.state === 'stopped') return 'the SIP user agent is not running';
    return `the SIP user agent is restarting${this.lastExit ? ` (${this.lastExit})` : ''}`;
  }

  onEvent(listener: (event: CtrlEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // After every (re)start, before it is reported running.
  onReady(listener: (send: (...commands: CtrlCommand[]) => Promise<CtrlResponse[]>) => Promise<void> | void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  // It died (or its control connection did) while running and is being
  // restarted, or it was stopped.
  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  send(...commands: CtrlCommand[]): Promise<CtrlResponse[]> {
    if (this.state !== 'running' || !this.client) return Promise.reject(new Error(this.unavailableReason ?? 'the SIP user agent is not running'));
    return this.client.send(...commands);
  }

  // The first start: rejects with a SipStartupError (one line) and leaves no
  // process behind.
  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    this.state = 'starting';
    process.on('exit', this.killOnExit);
    try {
      await this.launch();
    } catch (error) {
      await this.stop();
      throw error instanceof SipStartupError ? error : new SipStartupError(`the SIP user agent did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // Stops it; legs it carried end (agent_lost, "stopped with the service").
  async stop(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (wasRunning) for (const listener of this.lostListeners) listener('the SIP user agent was stopped with the service');
    clearTimeout(this.restartTimer);
    this.client?.close();
    this.client = undefined;
    await this.endChild();
    process.removeListener('exit', this.killOnExit);
    await rm(this.pidFile, { force: true });
  }

  private get pidFile(): string {
    return join(this.settings.stateDir, 'baresip.pid');
  }

  private async launch(): Promise<void> {
    const { stateDir, binary } = this.settings;
    // baresip's `ausrc` takes a path of at most 127 characters: the prompts'
    // copies under this directory must fit.
    if (join(stateDir, 'prompts', `${'0'.repeat(20)}.wav`).length > 127) {
      throw new SipStartupError(`the SIP user agent's directory ${stateDir} is too long a path for baresip (at most ${127 - 33} characters): set SWITCHBOARD_DATA_DIR to a shorter one`);
    }
    await mkdir(stateDir, { recursive: true });
    await this.killLeftOver();
    const silence = join(stateDir, 'silence.wav');
    await writeFile(silence, wavFile(Buffer.alloc(0), this.settings.silenceMs));
    const ctrlPort = await freeTcpPort();
    await writeFile(join(stateDir, 'config'), baresipConfig(this.settings, ctrlPort, silence));
    await writeFile(join(stateDir, 'accounts'), '');

    const child = spawn(binary, ['-4', '-f', stateDir], { cwd: stateDir, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      let ready = false;
      const timer = setTimeout(() => reject(new SipStartupError(`the SIP user agent did not start within ${START_TIMEOUT_MS / 1000} s: ${lastLine(output)}`)), START_TIMEOUT_MS);
      const collect = (chunk: Buffer) => {
        const text = stripAnsi(String(chunk));
        for (const line of text.split('\n')) if (line.trim() && !line.includes(NUDGE_ECHO)) this.options.log?.(line.trim());
        if (ready) return;
        output = (output + text).slice(-16_384);
        const ctrlFailed = /ctrl_tcp: failed to listen on TCP (\S+) \(([^)]*)\)/.exec(output);
        if (ctrlFailed) {
          clearTimeout(timer);
          reject(new Error(`its control port ${ctrlFailed[1]} could not be used (${ctrlFailed[2]})`));
        } else if (output.includes(READY)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new SipStartupError(`the SIP user agent ${binary} cannot run (${error.message}): reinstall the Debian package baresip-core`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new SipStartupError(startFailure(output, this.settings, code, signal)));
        else this.exited(child, code, signal);
      });
    });
    await writeFile(this.pidFile, `${child.pid}\n${stateDir}\n`);
    this.watcher = watchParent(child.pid!);
    this.client = await connectWithRetry(
      ctrlPort,
      (event) => this.emitEvent(event),
      (error) => this.controlLost(child, error),
    );
    const client = this.client;
    for (const listener of this.readyListeners) await listener((...commands) => client.send(...commands));
    this.state = 'running';
    this.startedAt = Date.now();
  }

  private emitEvent(event: CtrlEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  // A user agent that stopped answering its commands (the adapter's timeout):
  // killed, and restarted like one that died.
  recycle(why: string): void {
    const child = this.child;
    if (this.state !== 'running' || !child || child.exitCode !== null || child.signalCode !== null) return;
    this.killedBecause ??= why;
    child.kill('SIGKILL');
  }

  // Its control connection closed while it runs: it cannot be driven any
  // more. (When baresip dies, the connection closes too, often before its exit
  // is seen: give that a moment, so the reason stays "killed by …".)
  private controlLost(child: ChildProcess, error: Error): void {
    setTimeout(() => {
      if (this.child !== child || this.state === 'stopped' || child.exitCode !== null || child.signalCode !== null) return;
      this.killedBecause ??= error.message;
      child.kill('SIGKILL');
    }, 200).unref();
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.stopWatcher();
    if (this.child !== child || this.state === 'stopped') return;
    const how = this.killedBecause ? `was killed because ${this.killedBecause}` : signal ? `killed by ${signal}` : `exited with code ${code}`;
    const reason = `the SIP user agent (baresip, pid ${child.pid}) ${how}`;
    this.killedBecause = undefined;
    this.lastExit = how;
    this.client?.close();
    this.client = undefined;
    const wasRunning = this.state === 'running';
    this.state = 'restarting';
    if (wasRunning) for (const listener of this.lostListeners) listener(reason);
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    if (Date.now() - this.startedAt > STABLE_MS) this.failures = 0;
    const delay = RESTART_DELAYS_MS[Math.min(this.failures, RESTART_DELAYS_MS.length - 1)];
    this.failures++;
    this.options.warn?.(`${reason}; restarting it in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.state !== 'restarting') return;
    try {
      await this.launch();
      this.lastExit = '';
      this.options.notice?.(`the SIP user agent is running again (pid ${this.child?.pid})`);
    } catch (error) {
      if (this.state !== 'restarting') return;
      this.client?.close();
      this.client = undefined;
      await this.endChild();
      this.scheduleRestart(`the SIP user agent did not restart: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async endChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(late);
    }
    this.stopWatcher();
  }

  private stopWatcher(): void {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (!watcher) return;
    watcher.kill('SIGKILL');
    watcher.stdin?.destroy(); // its `cat` reads end of file and exits
  }

  // A baresip of this state directory left running by a killed service.
  private async killLeftOver(): Promise<void> {
    if (!existsSync(this.pidFile)) return;
    const [pidLine] = readFileSync(this.pidFile, 'utf8').split('\n');
    const pid = Number(pidLine);
    if (Number.isInteger(pid) && pid > 1 && isAlive(pid) && commandLineOf(pid).includes(this.settings.stateDir)) {
      this.options.notice?.(`stopping a SIP user agent left running in ${this.settings.stateDir} by an earlier run (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
      for (const until = Date.now() + 2_000; isAlive(pid) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    }
    await rm(this.pidFile, { force: true });
  }
}

// A shell that holds the read end of a pipe from this process and kills
// baresip when it reads end of file: when this process dies, however it
// dies, the kernel closes the pipe (what prctl(PR_SET_PDEATHSIG) would do).
function watchParent(pid: number): ChildProcess {
  const watcher = spawn('/bin/sh', ['-c', 'cat >/dev/null; kill -KILL "$1" 2>/dev/null', 'switchboard-sip-watch', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  watcher.on('error', () => undefined);
  watcher.stdin!.on('error', () => undefined);
  // Neither the watcher nor its pipe keeps this process alive.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void }).unref?.();
  return watcher;
}

async function connectWithRetry(port: number, onEvent: (event: CtrlEvent) => void, onClose: (error: Error) => void): Promise<CtrlTcpClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await CtrlTcpClient.connect(port, onEvent, onClose);
    } catch (error) {
      if (attempt >= 20) throw new Error(`its control port 127.0.0.1:${port} did not answer (${(error as Error).message})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

function lastLine(output: string): string {
  return output.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? 'no output';
}

function startFailure(output: string, settings: SipAgentSettings, code: number | null, signal: NodeJS.Signals | null): string {
  const exit = signal ? `killed by ${signal}` : `exit code ${code}`;
  const listen = `${settings.listen.host}:${settings.listen.port}`;
  const transport = /SIP Transport failed: (.+)/.exec(output)?.[1]?.trim();
  if (transport && /in use/i.test(transport)) return `the SIP user agent cannot listen on ${listen} (${transport}): stop what uses that port (and the next one), or set SIP_LISTEN to a free one`;
  if (transport && /assign requested address|not available/i.test(transport)) return `the SIP user agent cannot listen on ${listen} (${transport}): set SIP_LISTEN to an address of this host`;
  if (transport) return `the SIP user agent cannot listen on ${listen} (${transport}): check SIP_LISTEN`;
  return `the SIP user agent exited while starting (${exit}): ${lastLine(output)}`;
}
