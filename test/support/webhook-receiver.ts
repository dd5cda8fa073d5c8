import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { OutgoingEvent } from '../../src/events/outgoing-event';

// A webhook receiver on 127.0.0.1 for the webhooks' tests: records every
// request (headers, body, when, how it was answered) and answers it as
// `behave` says for the n-th request (from 1): a status (with headers), or
// 'hang' (never answer), 'reset' (destroy the connection), 'huge' (200
// with an endless body), or a delay before answering.
export type Behaviour =
  | { status: number; headers?: Record<string, string>; delayMs?: number }
  | 'hang'
  | 'reset'
  | 'huge';

export interface Receipt {
  n: number;
  id: string;
  timestamp: number;
  signature: string;
  headers: IncomingMessage['headers'];
  body: string;
  event: any;
  receivedAt: number; // ms
  connection: number; // which TCP connection it came on (from 1)
  answered?: number; // the status answered, once answered
  answeredAt?: number;
}

export class WebhookReceiver {
  readonly receipts: Receipt[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly connections = new WeakMap<Socket, number>();
  readonly closedAt = new Map<number, number>(); // connection → when it closed

  private constructor(
    private readonly server: Server,
    readonly behave: (n: number, receipt: Receipt) => Behaviour,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  static async start(behave: (n: number, receipt: Receipt) => Behaviour = () => ({ status: 200 }), port = 0): Promise<WebhookReceiver> {
    let connections = 0;
    const server = createServer((req, res) => receiver.handle(req, res));
    const receiver = new WebhookReceiver(server, behave);
    server.on('connection', (socket) => {
      const n = ++connections;
      receiver.sockets.add(socket);
      receiver.connections.set(socket, n);
      socket.on('close', () => {
        receiver.sockets.delete(socket);
        receiver.closedAt.set(n, Date.now());
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  // Receipts answered with a 2xx.
  accepted(): Receipt[] {
    return this.receipts.filter((r) => r.answered !== undefined && r.answered >= 200 && r.answered <= 299);
  }

  acceptedIds(): Set<string> {
    return new Set(this.accepted().map((r) => r.id));
  }

  // Throws unless every receipt verifies with the secret (standardwebhooks,
  // as a receiver would).
  verifyAll(secret: string): void {
    const webhook = new Webhook(secret);
    for (const r of this.receipts) webhook.verify(r.body, r.headers as Record<string, string>);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let event: any = null;
      try {
        event = JSON.parse(body);
      } catch {
        event = null;
      }
      const receipt: Receipt = {
        n: this.receipts.length + 1,
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        headers: req.headers,
        body,
        event,
        receivedAt: Date.now(),
        connection: this.connections.get(req.socket) ?? 0,
      };
      this.receipts.push(receipt);
      const behaviour = this.behave(receipt.n, receipt);
      if (behaviour === 'hang') return;
      if (behaviour === 'reset') return void req.socket.destroy();
      if (behaviour === 'huge') {
        receipt.answered = 200;
        receipt.answeredAt = Date.now();
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('error', () => undefined);
        return pump();
      }
      const answer = () => {
        receipt.answered = behaviour.status;
        receipt.answeredAt = Date.now();
        res.writeHead(behaviour.status, behaviour.headers ?? {});
        res.end('ok');
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  }
}

// What is wrong with a receiver's receipts against the events it should
// have had, as sentences (empty: nothing): every event accepted exactly
// once; every receipt verified (standardwebhooks), with a timestamp of its
// own attempt and the event as its body; at most `faults` duplicates; and
// per call, seq n+1 first sent only after n was accepted.
export function deliveryProblems(r: WebhookReceiver, secret: string, events: OutgoingEvent[], faults: number): string[] {
  const problems: string[] = [];
  const webhook = new Webhook(secret);
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const receipt of r.receipts) {
    try {
      webhook.verify(receipt.body, receipt.headers as Record<string, string>);
    } catch (error) {
      problems.push(`receipt ${receipt.n} does not verify: ${String(error)}`);
    }
    if (Math.abs(receipt.timestamp * 1000 - receipt.receivedAt) > 2000) problems.push(`receipt ${receipt.n}: stale timestamp ${receipt.timestamp}`);
    const event = byId.get(receipt.id);
    if (!event) problems.push(`receipt ${receipt.n}: unexpected event ${receipt.id}`);
    else if (receipt.body !== JSON.stringify(event)) problems.push(`receipt ${receipt.n}: the body is not the event`);
    if (receipt.headers['content-type'] !== 'application/json') problems.push(`receipt ${receipt.n}: content-type ${receipt.headers['content-type']}`);
  }
  const accepted = r.accepted();
  for (const e of events) {
    const n = accepted.filter((x) => x.id === e.id).length;
    if (n !== 1) problems.push(`${e.id} (${e.type}) accepted ${n} times`);
  }
  const duplicates = r.receipts.length - new Set(r.receipts.map((x) => x.id)).size;
  if (duplicates > faults) problems.push(`${duplicates} duplicates for ${faults} faults`);
  // Per call: seq n+1 first sent only after n was accepted.
  const calls = new Map<number, OutgoingEvent[]>();
  for (const e of events) calls.set(e.data.call_id, [...(calls.get(e.data.call_id) ?? []), e]);
  for (const [callId, list] of calls) {
    for (let i = 1; i < list.length; i++) {
      const previous = accepted.find((x) => x.id === list[i - 1].id);
      const next = r.receipts.find((x) => x.id === list[i].id);
      if (previous && next && next.receivedAt < previous.answeredAt!) problems.push(`call ${callId}: seq ${list[i].data.seq} sent before seq ${list[i - 1].data.seq} was accepted`);
    }
  }
  return problems;
}
