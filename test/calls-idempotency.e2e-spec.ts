import { createHash } from 'node:crypto';
import { CallMessages } from '../src/calls/call-errors';
import { parseCreateCall } from '../src/calls/ccai/create-call.request';
import { canonicalJson, IdempotencyService } from '../src/calls/ccai/idempotency.service';
import { CallCreation } from '../src/calls/creation/call-creation.service';
import { CallFixtures, countCallRows, FUTURE, seedCallFixtures } from './support/call-fixtures';
import { TestApp } from './support/test-app';

// The Idempotency-Key header of POST /apps/api/v1/calls.
const URL = '/apps/api/v1/calls';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let f: CallFixtures;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());
  beforeEach(async () => {
    f = await seedCallFixtures(t);
  });

  const post = (body: unknown, key?: string, company = f.company) => t.post(URL, body, company, key === undefined ? undefined : { 'idempotency-key': key });
  const inbound = (fx = f) => ({ call_type: 'Voice Inbound (API)', menu_id: fx.menus.ivrLeaf, end_user_number: '+1 859-657-9625' });
  const scheduledAt = FUTURE();
  const scheduled = (fx = f) => ({ call_type: 'Voice Scheduled (API)', menu_id: fx.menus.web, end_user_number: '+1 859-657-9625', scheduled_at: scheduledAt });
  const outbound = (fx = f) => ({ call_type: 'Voice Outbound (API)', agent_email: fx.agents.available.email, end_user_number: '+1 859-657-9625' });

  it('replays the first 201 for the same key and body, without a second call', async () => {
    const first = await post(scheduled(), 'key-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const rows = await countCallRows(t, f.companyId);

    const again = await post(scheduled(), 'key-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countCallRows(t, f.companyId)).toEqual(rows);
    expect(rows.calls).toBe(1);
  });

  it('replays the first answer even after the call has changed', async () => {
    const first = await post(outbound(), 'key-out');
    await t.db.query(`UPDATE calls SET status = 'finished', ends_at = now() WHERE id = $1`, [first.body.id]);
    const again = await post(outbound(), 'key-out');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
  });

  it('treats the same JSON with its keys in another order as the same body', async () => {
    const body = scheduled();
    const first = await post(body, 'key-order');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(reordered, 'key-order');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('answers 422 for the same key with a different body, and writes nothing', async () => {
    await post(scheduled(), 'key-2');
    const rows = await countCallRows(t, f.companyId);
    const other = await post({ ...scheduled(), end_user_number: '+82-10-6861-2345' }, 'key-2');
    expect({ status: other.status, body: other.body }).toEqual({ status: 422, body: { error: expect.any(String), status: expect.any(Number), message: 'Idempotency-Key was used with a different request' } });
    expect(await countCallRows(t, f.companyId)).toEqual(rows);
  });

  it('replays a 4xx answer too, even once the request would succeed', async () => {
    const body = outbound();
    await t.db.query(`UPDATE agents SET status = 'away' WHERE id = $1`, [f.agents.available.id]);
    const first = await post(body, 'key-400');
    expect({ status: first.status, body: first.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: 'Agent is not available to take this call' } });

    await t.db.query(`UPDATE agents SET status = 'available' WHERE id = $1`, [f.agents.available.id]);
    const again = await post(body, 'key-400');
    expect({ status: again.status, body: again.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: 'Agent is not available to take this call' } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0 });
    // Without the key the same body now succeeds.
    expect((await post(body)).status).toBe(201);
  });

  it('replays a 202 pending request without a second one', async () => {
    const g = await seedCallFixtures(t, {
      outboundNumbers: [
        { number: '+1 760-867-5309', e164: '+17608675309', isDefault: false },
        { number: '+1 339-219-5276', e164: '+13392195276', isDefault: false },
      ],
    });
    const first = await post(outbound(g), 'key-202', g.company);
    expect(first.status).toBe(202);
    const again = await post(outbound(g), 'key-202', g.company);
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countCallRows(t, g.companyId)).toMatchObject({ pending_calls: 1, calls: 0 });
  });

  it('scopes keys to the company: the same key in two companies makes two calls', async () => {
    const g = await seedCallFixtures(t);
    const mine = await post(scheduled(), 'shared-key');
    const theirs = await post(scheduled(g), 'shared-key', g.company);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
    expect(await countCallRows(t, g.companyId)).toMatchObject({ calls: 1 });
  });

  it('makes one call per distinct key', async () => {
    await post(scheduled(), 'key-a');
    await post(scheduled(), 'key-b');
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 2 });
  });

  it('makes exactly one call for 20 concurrent retries with one key; each answer is that call or 409', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => post(scheduled(), 'key-race')));
    const created = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    expect(created.length + conflicts.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.body).toEqual(created[0].body);
    for (const r of conflicts) expect(r.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: CallMessages.idempotencyKeyInProgress });
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1, participants: 1, call_events: 1 });
    // Once settled, a retry replays it.
    const later = await post(scheduled(), 'key-race');
    expect(later.status).toBe(201);
    expect(later.body).toEqual(created[0].body);
  });

  it('makes exactly one outbound call for concurrent retries with one key', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => post(outbound(), 'key-race-out')));
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const created = results.filter((r) => r.status === 201);
    for (const r of created) expect(r.body).toEqual(created[0].body);
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
  });

  it('lets a key older than 24 hours be used again', async () => {
    const first = await post(inbound(), 'key-old');
    await t.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-old'`);
    const again = await post(inbound(), 'key-old');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
    // Even with another body: the old request is forgotten.
    await t.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-old'`);
    const other = await post(scheduled(), 'key-old');
    expect(other.status).toBe(201);
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 3 });
  });

  it('still holds a key just under 24 hours old', async () => {
    const first = await post(inbound(), 'key-23h');
    await t.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '23 hours 59 minutes' WHERE key = 'key-23h'`);
    const again = await post(inbound(), 'key-23h');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  describe('a key whose first request has not answered yet', () => {
    // The key row as the first request leaves it while it runs, or when its process died.
    const leave = (key: string, body: unknown, age: string, callId: number | null = null) =>
      t.db.query(`INSERT INTO idempotency_keys (company_id, key, request_hash, call_id, created_at) VALUES ($1, $2, $3, $4, now() - $5::interval)`, [
        f.companyId,
        key,
        createHash('sha256').update(canonicalJson(body)).digest('hex'),
        callId,
        age,
      ]);

    it('answers 409 while that request may still be running', async () => {
      await leave('key-running', scheduled(), '1 second');
      const res = await post(scheduled(), 'key-running');
      expect({ status: res.status, body: res.body }).toEqual({ status: 409, body: { error: expect.any(String), status: expect.any(Number), message: CallMessages.idempotencyKeyInProgress } });
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0 });
    });

    it('still answers 422 for another body', async () => {
      await leave('key-running-2', scheduled(), '1 second');
      const res = await post(inbound(), 'key-running-2');
      expect(res.status).toBe(422);
    });

    it('frees a key within seconds once its request stopped renewing its lease (its instance died)', async () => {
      await leave('key-dead-just-now', scheduled(), '3 seconds');
      await t.db.query(`UPDATE idempotency_keys SET claim = gen_random_uuid(), lease_until = now() - interval '1 second' WHERE company_id = $1 AND key = 'key-dead-just-now'`, [f.companyId]);
      const res = await post(scheduled(), 'key-dead-just-now');
      expect(res.status).toBe(201);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
    });

    it('keeps the key of a request that runs longer than its lease, renewing it', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = t.app.get(IdempotencyService).run(f.companyId, 'key-slow', scheduled(), async () => {
        await held;
        return { status: 201, body: { slow: true } };
      }, async () => ({}));
      await new Promise((resolve) => setTimeout(resolve, 3000)); // past the 2 s lease
      const res = await post(scheduled(), 'key-slow');
      expect(res.status).toBe(409);
      release();
      await first;
      expect((await post(scheduled(), 'key-slow')).body).toEqual({ slow: true });
    });

    it('takes the key over once the first request is long gone, and makes the call once', async () => {
      await leave('key-dead', scheduled(), '5 minutes');
      const res = await post(scheduled(), 'key-dead');
      expect(res.status).toBe(201);
      const again = await post(scheduled(), 'key-dead');
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(res.body);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
    });

    it('answers the call that request committed, without a second one', async () => {
      const call = (await post(scheduled())).body;
      await leave('key-committed', scheduled(), '5 minutes', call.id);
      const res = await post(scheduled(), 'key-committed');
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(res.body).toEqual(call);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1 });
    });
  });

  it.each([
    ['empty', ''],
    ['with a space', 'my key'],
    ['longer than 255 characters', 'k'.repeat(256)],
  ])('refuses a key that is %s with 400 and writes nothing', async (_name, key) => {
    const res = await post(scheduled(), key);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: CallMessages.idempotencyKeyInvalid } });
    expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0 });
  });

  it('never makes two calls for one key: a request overtaken by its retry after its lease writes nothing', async () => {
    const key = 'key-stalled';
    const body = inbound();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The first request stalls after claiming the key (as one held up by a
    // lock the create needs), past its lease.
    const first = t.app.get(IdempotencyService).run(f.companyId, key, body, async (claim) => {
      started();
      await held;
      await t.app.get(CallCreation).create(parseCreateCall(f.companyId, body, claim));
      return { status: 201, body: {} };
    }, async () => ({}));
    await running;
    // Its lease runs out (its renewals lost: an event loop stalled, the
    // database unreachable from it) and its retry takes the key over.
    const takeOver = async () => {
      await t.db.query(`UPDATE idempotency_keys SET lease_until = now() - interval '1 minute' WHERE company_id = $1 AND key = $2`, [f.companyId, key]);
      return post(body, key);
    };
    let retry = await takeOver();
    for (let i = 0; i < 20 && retry.status === 409; i++) retry = await takeOver(); // a renewal came in between
    expect(retry.status).toBe(201);
    release();
    await expect(first).rejects.toMatchObject({ code: 'idempotency_key_in_progress' });
    expect((await countCallRows(t, f.companyId)).calls).toBe(1);
    const replay = await post(body, key);
    expect({ status: replay.status, id: replay.body.id, replayed: replay.headers['idempotent-replayed'] }).toEqual({ status: 201, id: retry.body.id, replayed: 'true' });
  });

  it('accepts a key of 255 printable characters', async () => {
    const res = await post(scheduled(), `${'k'.repeat(250)}-!~#$`);
    expect(res.status).toBe(201);
  });
});
