import { createSocket, Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { addressBytes } from '../../src/webhooks/blocked-addresses';

// A tiny authoritative DNS server on loopback (UDP), for the webhooks' SSRF
// tests: answers A and AAAA questions from `records`, which a test may
// change at any time (TTL 0); any other name is NXDOMAIN.
export class TestDnsServer {
  readonly records = new Map<string, string[]>(); // name → addresses (IPv4 and IPv6)

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const server = new TestDnsServer(socket, socket.address().port);
    socket.on('message', (message, from) => {
      const answer = server.answer(message);
      if (answer) socket.send(answer, from.port, from.address);
    });
    return server;
  }

  set(name: string, ...addresses: string[]): void {
    this.records.set(name.toLowerCase(), addresses);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(query: Buffer): Buffer | null {
    if (query.length < 12) return null;
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset];
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    offset += 1;
    const type = query.readUInt16BE(offset);
    const question = query.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    const known = this.records.get(name);
    const wanted = (known ?? []).filter((a) => (type === 1 ? isIPv4(a) : type === 28 ? !isIPv4(a) : false));
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2); // response, authoritative, RD copied, NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(wanted.length, 6);
    const answers = wanted.map((address) => {
      const rdata = Buffer.from(addressBytes(address)!);
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // the question's name
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(0, 6); // TTL 0
      record.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([record, rdata]);
    });
    return Buffer.concat([header, question, ...answers]);
  }
}
