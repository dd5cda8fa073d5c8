import { Socket, connect } from 'node:net';

// A command of baresip's ctrl_tcp module and its answer.
export interface CtrlCommand {
  command: string;
  params?: string;
}

export interface CtrlResponse {
  ok: boolean;
  data: string;
}

// An event as ctrl_tcp sends it (class "call" carries the call's fields).
export interface CtrlEvent {
  class: string;
  type: string;
  param?: string;
  accountaor?: string;
  direction?: 'incoming' | 'outgoing';
  peeruri?: string;
  id?: string;
}

interface Pending {
  resolve: (response: CtrlResponse) => void;
  reject: (error: Error) => void;
}

// Frames larger than this are not baresip's (its own cap is 64 KiB).
const MAX_FRAME = 1024 * 1024;

// baresip writes each event and response with its own send() and does not set
// TCP_NODELAY, so its second small write waits for our ACK, which Linux delays
// by ~40 ms: a dial took 40-90 ms instead of under 1 ms. Node cannot set
// TCP_QUICKACK; sending bytes makes the ACK leave at once with them. This frame
// is valid JSON without a command: ctrl_tcp answers nothing (it logs "missing
// json entries", which the supervisor leaves out of its log).
export const ACK_NUDGE = Buffer.from('2:{},');

// The client of baresip's ctrl_tcp: netstrings of JSON both ways, commands
// answered by token, events pushed. ctrl_tcp takes one client and buffers no
// events, so this is the only connection and it is opened before any call.
// Commands are answered in the order they were sent; the token still ties
// each answer to its command.
export class CtrlTcpClient {
  private socket?: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private nextToken = 1;
  private readonly pending = new Map<string, Pending>();
  private closedWith?: Error;

  constructor(
    private readonly onEvent: (event: CtrlEvent) => void,
    private readonly onClose: (error: Error) => void = () => undefined,
  ) {}

  static async connect(port: number, onEvent: (event: CtrlEvent) => void, onClose?: (error: Error) => void): Promise<CtrlTcpClient> {
    const client = new CtrlTcpClient(onEvent, onClose);
    await client.open(port);
    return client;
  }

  private open(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const failed = (error: Error) => reject(error);
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.removeListener('error', failed);
        socket.on('error', (error) => this.fail(error));
        socket.on('close', () => this.fail(new Error('the control connection to the SIP user agent closed')));
        socket.on('data', (chunk) => this.receive(chunk));
        this.socket = socket;
        resolve();
      });
    });
  }

  // Sends the commands in one write, so that no other client's command and no
  // timer of baresip's runs between them (a `uafind` and the command that acts
  // on the UA it selected); answers every response in order.
  send(...commands: CtrlCommand[]): Promise<CtrlResponse[]> {
    if (this.closedWith || !this.socket) return Promise.reject(this.closedWith ?? new Error('the control connection to the SIP user agent is not open'));
    const frames: Buffer[] = [];
    const answers = commands.map((command) => {
      const token = String(this.nextToken++);
      const body = Buffer.from(JSON.stringify({ command: command.command, params: command.params ?? '', token }));
      frames.push(Buffer.from(`${body.length}:`), body, Buffer.from(','));
      return new Promise<CtrlResponse>((resolve, reject) => this.pending.set(token, { resolve, reject }));
    });
    this.socket.write(Buffer.concat(frames));
    return Promise.all(answers);
  }

  close(): void {
    this.fail(new Error('the control connection to the SIP user agent was closed'));
  }

  private receive(chunk: Buffer): void {
    this.socket?.write(ACK_NUDGE);
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME) return this.fail(new Error('the SIP user agent sent a malformed control frame'));
      const end = colon + 1 + length;
      if (this.buffer.length < end + 1) return;
      const body = this.buffer.subarray(colon + 1, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 1);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(body);
      } catch {
        continue; // not ours to understand; the stream itself is still framed
      }
      this.dispatch(message);
    }
  }

  private dispatch(message: Record<string, unknown>): void {
    if (message.response) {
      const token = String(message.token ?? '');
      const pending = this.pending.get(token);
      if (!pending) return;
      this.pending.delete(token);
      pending.resolve({ ok: message.ok === true, data: typeof message.data === 'string' ? message.data : '' });
      return;
    }
    if (message.event) this.onEvent(message as unknown as CtrlEvent);
  }

  private fail(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.socket?.destroy();
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.onClose(error);
  }
}
