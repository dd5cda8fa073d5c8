import { ClientRequest, IncomingMessage, request } from 'node:http';

// A Server-Sent Events client over node:http, for the live-stream tests:
// the stream's messages (id, event, data) and comment lines as they arrive,
// parsed by the rules of the SSE format (fields per line, a blank line ends
// a message, a line starting with ':' is a comment).
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
  at: number; // Date.now() when it arrived
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: Array<{ text: string; at: number }> = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  body = ''; // a non-200 answer's body
  ended = false;
  private buffer = '';
  private current: Partial<SseMessage> & { data?: string } = {};

  private constructor(
    private readonly req: ClientRequest,
    readonly ended$: Promise<void>,
  ) {}

  // Opens `path` on 127.0.0.1:`port`; answers once the response's headers
  // (and, for a non-200, its whole body) arrived.
  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        const finish = () => {
          client.ended = true;
          endedResolve();
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
        if (client.status !== 200) {
          res.on('data', (chunk: string) => (client.body += chunk));
          res.on('end', () => resolve(client));
          return;
        }
        res.on('data', (chunk: string) => client.feed(chunk));
        resolve(client);
      });
      const client: SseClient = new SseClient(req, ended);
      req.on('error', (error) => {
        client.ended = true;
        endedResolve();
        if (client.status === 0) reject(error);
      });
      req.end();
    });
  }

  get json(): any {
    return JSON.parse(this.body);
  }

  // The messages of type `event` (all but resets, by default), data parsed.
  events(): any[] {
    return this.messages.filter((m) => m.event !== 'reset').map((m) => JSON.parse(m.data));
  }

  async waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.messages.length} messages: ${this.messages.map((m) => `${m.event} ${m.id}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(): Promise<void> {
    this.req.destroy();
    return this.ended$;
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string): void {
    const at = Date.now();
    if (line === '') {
      if (this.current.data !== undefined || this.current.event !== undefined || this.current.id !== undefined) {
        this.messages.push({ id: this.current.id, event: this.current.event, data: this.current.data ?? '', at });
      }
      this.current = {};
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push({ text: line.slice(1).trimStart(), at });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.current.data = this.current.data === undefined ? value : `${this.current.data}\n${value}`;
    else if (field === 'id') this.current.id = value;
    else if (field === 'event') this.current.event = value;
  }
}
