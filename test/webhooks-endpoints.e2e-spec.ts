// Webhook endpoints over the Manager API (shared spec events-api.md): create,
// list, read, update, delete, rotate the secret, the deliveries log and its
// retry; clear 400s for bad input; the SSRF guard at registration (every
// blocked range, literal or through DNS) and at send time (a host whose DNS
// answer changes to a private address).
import { WebhookMessages } from '../src/webhooks/webhook-errors';
import { seedCallFixtures } from './support/call-fixtures';
import { TestDnsServer } from './support/dns-server';
import { callIn } from './support/lifecycle-fixtures';
import { waitUntil } from './support/spawned-service';
import { TestApp, TestCompany } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

const URL_BASE = '/manager/api/v1/webhooks';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('webhook endpoints (Manager API)', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let company: TestCompany;
  beforeAll(async () => {
    dns = await TestDnsServer.start();
    dns.set('public.test', '93.184.216.34');
    dns.set('internal.test', '10.0.0.5');
    dns.set('mixed.test', '93.184.216.34', 'fd00::1'); // every address counts
    dns.set('metadata.test', '169.254.169.254');
    dns.set('mapped.test', '::ffff:127.0.0.1');
    t = await TestApp.start({ WEBHOOKS_ENABLED: 'false', WEBHOOK_DNS_SERVERS: dns.address });
    company = await t.createCompany();
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  const create = (body: unknown, auth: TestCompany = company) => t.post(URL_BASE, body, auth);

  it('creates an endpoint and shows its secret once', async () => {
    const res = await create({ url: 'https://public.test/hooks', event_types: ['call.hangup', 'call.created'], description: 'CRM' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      url: 'https://public.test/hooks',
      event_types: ['call.hangup', 'call.created'],
      description: 'CRM',
      status: 'enabled',
      secret: expect.stringMatching(SECRET),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const read = await t.get(`${URL_BASE}/${res.body.id}`, company);
    expect(read.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = res.body;
    expect(read.body).toEqual(withoutSecret);
    // No event_types means every type.
    const all = await create({ url: 'https://93.184.216.34/all' });
    expect(all).toMatchObject({ status: 201, body: { event_types: [], description: null } });
  });

  it('lists, updates and deletes, within the company only', async () => {
    const other = await t.createCompany();
    const mine = (await create({ url: 'https://public.test/a' })).body;
    const theirs = (await create({ url: 'https://public.test/b' }, other)).body;
    const list = await t.get(URL_BASE, other);
    expect(list.status).toBe(200);
    expect(list.body.map((e: any) => e.id)).toEqual([theirs.id]);
    expect(list.headers.total).toBe('1');
    expect(list.body[0].secret).toBeUndefined();

    expect((await t.get(`${URL_BASE}/${mine.id}`, other)).body).toEqual({ error: expect.any(String), status: expect.any(Number), message: WebhookMessages.notFound(String(mine.id)) });
    expect((await t.get(`${URL_BASE}/${mine.id}`, other)).status).toBe(404);
    expect((await t.patch(`${URL_BASE}/${mine.id}`, { description: 'x' }, other)).status).toBe(404);
    expect((await t.delete(`${URL_BASE}/${mine.id}`, other)).status).toBe(404);
    expect((await t.get(`${URL_BASE}/abc`, other)).status).toBe(404);

    const patched = await t.patch(`${URL_BASE}/${theirs.id}`, { url: 'https://public.test/c', event_types: ['call.hold'], description: 'd', status: 'disabled' }, other);
    expect(patched).toMatchObject({ status: 200, body: { id: theirs.id, url: 'https://public.test/c', event_types: ['call.hold'], description: 'd', status: 'disabled' } });
    expect((await t.patch(`${URL_BASE}/${theirs.id}`, { description: null, status: 'enabled' }, other)).body).toMatchObject({ description: null, status: 'enabled' });
    expect((await t.patch(`${URL_BASE}/${theirs.id}`, { url: 'https://internal.test/' }, other)).status).toBe(400);
    expect((await t.get(`${URL_BASE}/${theirs.id}`, other)).body.url).toBe('https://public.test/c');

    expect((await t.delete(`${URL_BASE}/${theirs.id}`, other)).status).toBe(204);
    expect((await t.get(`${URL_BASE}/${theirs.id}`, other)).status).toBe(404);
    expect((await t.get(URL_BASE, other)).body).toEqual([]);
    expect((await t.get(URL_BASE)).status).toBe(401);
  });

  it('refuses bad input with a clear 400', async () => {
    const refused = async (body: unknown, message: string) => {
      const res = await create(body);
      expect({ body, status: res.status, message: res.body.message }).toEqual({ body, status: 400, message });
    };
    await refused({ url: 'http://public.test/' }, WebhookMessages.urlNotHttps);
    await refused({ url: 'ftp://public.test/' }, WebhookMessages.urlNotHttps);
    await refused({ url: 'not a url' }, WebhookMessages.urlNotHttps);
    await refused({ url: 'https://user:pw@public.test/' }, WebhookMessages.urlHasCredentials);
    await refused({ url: 'https://nowhere.test/' }, WebhookMessages.urlUnresolvable('nowhere.test'));
    await refused({ url: 'https://public.test/', event_types: ['call.hangup', 'call.exploded'] }, WebhookMessages.eventTypeUnknown('call.exploded'));
    await refused({ url: 'https://public.test/', event_types: 'call.hangup' }, 'event_types must be an array of strings');
    await refused({ url: 'https://public.test/', event_types: [1] }, 'event_types must be an array of strings');
    await refused({ url: 42 }, 'url must be a string');
    await refused({}, 'url must be a string');
    await refused({ url: 'https://public.test/', secret: 'mine' }, 'property secret should not exist');
    const id = (await create({ url: 'https://public.test/' })).body.id;
    expect((await t.patch(`${URL_BASE}/${id}`, { status: 'paused' }, company)).body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'status must be one of enabled, disabled' });
    expect((await t.get(`${URL_BASE}/${id}/deliveries?status=lost`, company)).body).toEqual({ error: expect.any(String), status: expect.any(Number), message: WebhookMessages.deliveryStatusInvalid });
    expect((await t.get(`${URL_BASE}/${id}/deliveries?per=0`, company)).status).toBe(400);
  });

  it('refuses every blocked range at registration, literal or through DNS', async () => {
    const blocked = [
      'https://127.0.0.1/',
      'https://127.8.9.10:8443/x',
      'https://[::1]/',
      'https://localhost/',
      'https://api.localhost/',
      'https://0x7f000001/', // the URL parser makes it 127.0.0.1
      'https://2130706433/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://172.31.255.254/',
      'https://192.168.1.1/',
      'https://[fc00::1]/',
      'https://[fd12:3456::1]/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fe80::1]/',
      'https://100.64.0.1/',
      'https://100.127.255.254/',
      'https://0.0.0.0/',
      'https://[::]/',
      'https://224.0.0.1/',
      'https://239.255.255.250/',
      'https://[ff02::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/', // 169.254.169.254
      'https://[::ffff:10.0.0.1]/',
      'https://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
      'https://internal.test/',
      'https://mixed.test/',
      'https://metadata.test/',
      'https://mapped.test/',
    ];
    for (const url of blocked) {
      const res = await create({ url });
      expect({ url, status: res.status, message: res.body.message }).toEqual({ url, status: 400, message: expect.stringMatching(/^url points at a blocked address/) });
    }
    for (const url of ['https://93.184.216.34/', 'https://[2606:2800:220:1:248:1893:25c8:1946]/', 'https://172.32.0.1/', 'https://100.128.0.1/', 'https://public.test:8443/x?y=1']) {
      expect({ url, status: (await create({ url })).status }).toEqual({ url, status: 201 });
    }
  });

  it('rotates the secret; shows the deliveries log; retries one delivery', async () => {
    const endpoint = (await create({ url: 'https://public.test/' })).body;
    const rotated = await t.post(`${URL_BASE}/${endpoint.id}/rotate_secret`, {}, company);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ secret: expect.stringMatching(SECRET) });
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const [row] = await t.db.query(`SELECT previous_secret, extract(epoch FROM previous_secret_until - now())::int AS left FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(row.previous_secret).toBe(endpoint.secret);
    expect(row.left).toBeGreaterThan(24 * 3600 - 60);

    const [{ id: companyId }] = await t.db.query(`SELECT id FROM companies WHERE key = $1`, [company.key]);
    const insert = (row: number, status: string) =>
      t.db.query(
        `INSERT INTO webhook_deliveries (endpoint_id, company_id, event_row, event_tx, event_type, call_id, seq, status, attempts, next_attempt_at)
         VALUES ($1, $2, $3, '815', 'call.hold', 7, 1, $4, $5, now()) RETURNING id`,
        [endpoint.id, companyId, row, status, JSON.stringify([{ at: '2026-12-01T10:00:00.000Z', status_code: 500, error: 'answered 500', duration_ms: 3 }])],
      );
    const [failed] = await insert(41, 'failed');
    const [succeeded] = await insert(42, 'succeeded');
    const log = await t.get(`${URL_BASE}/${endpoint.id}/deliveries`, company);
    expect(log.status).toBe(200);
    expect(log.body).toEqual([
      { id: Number(succeeded.id), event_id: 'evt_0000000000000000081500000000000000000042', event_type: 'call.hold', call_id: 7, status: 'succeeded', attempts: [{ at: '2026-12-01T10:00:00.000Z', status_code: 500, error: 'answered 500', duration_ms: 3 }], next_attempt_at: null },
      { id: Number(failed.id), event_id: 'evt_0000000000000000081500000000000000000041', event_type: 'call.hold', call_id: 7, status: 'failed', attempts: expect.any(Array), next_attempt_at: null },
    ]);
    expect((await t.get(`${URL_BASE}/${endpoint.id}/deliveries?status=failed`, company)).body.map((d: any) => d.id)).toEqual([Number(failed.id)]);
    expect((await t.get(`${URL_BASE}/${endpoint.id}/deliveries?per=1&page=2`, company)).body.map((d: any) => d.id)).toEqual([Number(failed.id)]);

    const retry = await t.post(`${URL_BASE}/${endpoint.id}/deliveries/${failed.id}/retry`, {}, company);
    expect(retry.status).toBe(202);
    const [again] = (await t.get(`${URL_BASE}/${endpoint.id}/deliveries?status=pending`, company)).body;
    expect(again).toMatchObject({ id: Number(failed.id), status: 'pending', next_attempt_at: expect.any(String) });
    expect((await t.post(`${URL_BASE}/${endpoint.id}/deliveries/999999/retry`, {}, company)).body).toEqual({ error: expect.any(String), status: expect.any(Number), message: WebhookMessages.deliveryNotFound('999999') });
    const other = await t.createCompany();
    expect((await t.post(`${URL_BASE}/${endpoint.id}/deliveries/${failed.id}/retry`, {}, other)).status).toBe(404);
    expect((await t.post(`${URL_BASE}/${endpoint.id}/rotate_secret`, {}, other)).status).toBe(404);
  });

  describe('at send time', () => {
    let sender: TestApp;
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = await WebhookReceiver.start();
      // Plain http allowed, no private host allowed: loopback is refused.
      sender = await TestApp.start({ WEBHOOKS_ENABLED: 'true', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_DNS_SERVERS: dns.address, WEBHOOK_RETRY_SCHEDULE_MS: '50,50', WEBHOOK_TIMEOUT_MS: '500' });
    });
    afterAll(async () => {
      await sender.close();
      await receiver.close();
    });

    it('refuses a host whose DNS answer changed to a private address, and never connects to it', async () => {
      const f = await seedCallFixtures(sender);
      dns.set('rebind.test', '93.184.216.34');
      const res = await sender.post(URL_BASE, { url: `http://rebind.test:${receiver.port}/hook` }, f.company);
      expect(res.status).toBe(201);
      dns.set('rebind.test', '127.0.0.1');
      await callIn(sender, f, 'assigned'); // call.created
      const deliveries = await waitUntil(async () => {
        const list = (await sender.get(`${URL_BASE}/${res.body.id}/deliveries`, f.company)).body;
        return list.length > 0 && list.every((d: any) => d.status === 'failed') ? list : undefined;
      }, 15_000, 'the delivery failed');
      for (const d of deliveries) {
        expect(d.attempts).toHaveLength(3);
        for (const a of d.attempts) expect(a).toMatchObject({ status_code: null, error: expect.stringMatching(/^refused: url points at a blocked address: rebind\.test is 127\.0\.0\.1/) });
      }
      expect(receiver.receipts).toEqual([]);
    });
  });
});
