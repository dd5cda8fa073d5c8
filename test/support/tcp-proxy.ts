import { createServer, Server, Socket } from 'node:net';

// A TCP proxy in front of PostgreSQL that a test can take down and bring
// back, so the app sees exactly what a database restart looks like: its
// connections cut, new ones refused, then accepted again.
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private cutAfter?: string;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  // A proxy, up, in front of the server of `url`; answers it and the same
  // URL through the proxy.
  static async inFrontOf(url: string): Promise<{ proxy: TcpProxy; url: string }> {
    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.up();
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    return { proxy, url: proxied.toString() };
  }

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      upstream.pipe(client);
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        if (this.cutAfter !== undefined && chunk.includes(this.cutAfter)) {
          this.cutAfter = undefined;
          client.destroy(); // the server got the bytes; the client never gets the answer
        }
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  // The next time a client sends bytes containing `text`, they reach the
  // server and that client's connection is cut before any answer.
  cutAfterClientSends(text: string): void {
    this.cutAfter = text;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
