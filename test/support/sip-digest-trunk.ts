import { createHash } from 'node:crypto';
import { createSocket, RemoteInfo, Socket } from 'node:dgram';

// A signalling-only SIP trunk on UDP for the credential tests: it challenges
// every INVITE with 407 (digest, MD5), checks the answer against its one user,
// and then refuses the call with 486 (no media needed to prove the
// credentials). It records what it saw.
export class DigestTrunk {
  readonly invites: { from: string; requestUri: string; authorized: boolean | null }[] = [];
  private readonly realm = 'trunk.test';
  private readonly nonce = createHash('md5').update(String(Math.random())).digest('hex');

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly user: string,
    private readonly password: string,
  ) {
    socket.on('message', (message, remote) => this.receive(message.toString('utf8'), remote));
  }

  static async start(user: string, password: string): Promise<DigestTrunk> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new DigestTrunk(socket, socket.address().port, user, password);
  }

  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  close(): void {
    this.socket.close();
  }

  private receive(text: string, remote: RemoteInfo): void {
    const [start, ...lines] = text.split('\r\n');
    const [method, requestUri] = start.split(' ');
    if (method !== 'INVITE') return; // ACKs of our final answers
    const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
    const credentials = header('Proxy-Authorization');
    const authorized = credentials === undefined ? null : this.check(credentials, requestUri);
    this.invites.push({ from: header('From') ?? '', requestUri, authorized });
    const copied = lines.filter((l) => /^(via|from|call-id|cseq):/i.test(l));
    const to = `${header('To')};tag=trunk${this.invites.length}`;
    const answer = (status: string, extra: string[]) => {
      const reply = [`SIP/2.0 ${status}`, ...copied, `To: ${to}`, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
      this.socket.send(reply, remote.port, remote.address);
    };
    if (authorized) answer('486 Busy Here', []);
    else answer('407 Proxy Authentication Required', [`Proxy-Authenticate: Digest realm="${this.realm}", nonce="${this.nonce}", algorithm=MD5`]);
  }

  private check(credentials: string, requestUri: string): boolean {
    const field = (name: string) => new RegExp(`(?:^|[\\s,])${name}="?([^",]+)"?`).exec(credentials)?.[1];
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const ha1 = md5(`${this.user}:${this.realm}:${this.password}`);
    const ha2 = md5(`INVITE:${field('uri') ?? requestUri}`);
    const qop = field('qop');
    const expected = qop ? md5(`${ha1}:${field('nonce')}:${field('nc')}:${field('cnonce')}:${qop}:${ha2}`) : md5(`${ha1}:${field('nonce')}:${ha2}`);
    return field('username') === this.user && field('response') === expected;
  }
}
