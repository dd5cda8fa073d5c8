import { isIP } from 'node:net';

// The addresses a webhook may not point at (shared spec events-api.md,
// "Where a webhook may point"): pure, no DNS. An IPv6 address that carries
// an IPv4 one (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64
// 64:ff9b::/96, 6to4 2002::/16) is judged by the IPv4 address it carries.
interface Range {
  bytes: number[];
  bits: number;
  name: string;
}

const v4 = (cidr: string, name: string): Range => {
  const [address, bits] = cidr.split('/');
  return { bytes: address.split('.').map(Number), bits: Number(bits), name };
};

const V4_BLOCKED: Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('127.0.0.0/8', 'loopback'),
  v4('10.0.0.0/8', 'private'),
  v4('172.16.0.0/12', 'private'),
  v4('192.168.0.0/16', 'private'),
  v4('169.254.0.0/16', 'link-local'),
  v4('100.64.0.0/10', 'CGNAT'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // and 255.255.255.255, broadcast
];

const v6 = (prefix: number[], bits: number, name: string): Range => ({ bytes: prefix, bits, name });

const V6_BLOCKED: Range[] = [
  v6([0xfc], 7, 'private'),
  v6([0xfe, 0x80], 10, 'link-local'),
  v6([0xff], 8, 'multicast'),
];

// The kind of blocked address this is ('loopback', 'private', …), or null
// when it is public. Anything that is not an IP address is 'invalid'.
export function blockedRange(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return 'invalid';
  if (bytes.length === 4) return match(bytes, V4_BLOCKED);
  const carried = carriedIpv4(bytes);
  if (carried) return match(carried, V4_BLOCKED);
  if (bytes.every((b) => b === 0)) return 'unspecified';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  return match(bytes, V6_BLOCKED);
}

function match(bytes: number[], ranges: Range[]): string | null {
  for (const range of ranges) if (inRange(bytes, range)) return range.name;
  return null;
}

function inRange(bytes: number[], range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function carriedIpv4(b: number[]): number[] | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; not ::, not ::1)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12);
  if (zeros(0, 12) && !(zeros(12, 15) && b[15] <= 1)) return b.slice(12);
  // 64:ff9b::a.b.c.d (NAT64)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12);
  // 2002:aabb:ccdd::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return null;
}

// 4 bytes (IPv4) or 16 (IPv6), or null when it is not an IP address.
export function addressBytes(input: string): number[] | null {
  const address = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return address.split('.').map(Number);
  if (family !== 6) return null;
  // A dotted IPv4 tail becomes its two hex groups.
  const text = address.toLowerCase().replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(rest);
  const groups = rest === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}
