import { Webhook } from 'standardwebhooks';
import { blockedRange } from './blocked-addresses';
import { retryDelay } from './webhook-attempts';
import { parseRetryAfter } from './webhook-sender';
import { newWebhookSecret, signedHeaders } from './webhook-signing';

describe('blocked addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:10.1.2.3', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['not an address', 'invalid'],
  ])('%s is %s', (address, range) => expect(blockedRange(address)).toBe(range));

  it.each(['8.8.8.8', '93.184.216.34', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '192.169.0.1', '11.0.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => expect(blockedRange(address)).toBeNull(),
  );
});

describe('signing', () => {
  it('is what standardwebhooks signs and verifies, with one or two secrets', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ id: 'evt_1', type: 'call.created', data: { ü: '✓' } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([a, b], 'evt_1', ts, body);
    expect(headers['webhook-signature'].split(' ')).toEqual([new Webhook(a).sign('evt_1', new Date(ts * 1000), body), new Webhook(b).sign('evt_1', new Date(ts * 1000), body)]);
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(b).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});

describe('the retry schedule', () => {
  const schedule = [5000, 300_000, 1_800_000];
  it('waits each step after each failure, then gives up', () => {
    expect([1, 2, 3, 4].map((made) => retryDelay(schedule, made, { statusCode: 500, retryAfterMs: null }))).toEqual([5000, 300_000, 1_800_000, null]);
  });
  it('honours Retry-After on 429 and 503 up to the next step, never below this one', () => {
    expect(retryDelay(schedule, 1, { statusCode: 503, retryAfterMs: 60_000 })).toBe(60_000);
    expect(retryDelay(schedule, 1, { statusCode: 429, retryAfterMs: 3_600_000 })).toBe(300_000);
    expect(retryDelay(schedule, 1, { statusCode: 503, retryAfterMs: 0 })).toBe(5000);
    expect(retryDelay(schedule, 1, { statusCode: 500, retryAfterMs: 60_000 })).toBe(5000);
    expect(retryDelay(schedule, 3, { statusCode: 503, retryAfterMs: 3_600_000 })).toBe(1_800_000);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
