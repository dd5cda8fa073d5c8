import { CallMessages } from '../src/calls/call-errors';
import { CallFixtures, countCallRows, seedCallFixtures } from './support/call-fixtures';
import { callShapeProblems } from './support/call-object';
import { TestApp } from './support/test-app';

// Outbound row 9: a number to dial that is ambiguous answers 202 with a
// pending request, which a person completes by choosing.
const CALLS = '/apps/api/v1/calls';
const PENDING = '/apps/api/v1/pending_calls';
const OUT = 'Voice Outbound (API)';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Two outbound numbers and no default.
const NO_DEFAULT = [
  { number: '+1 760-867-5309', e164: '+17608675309', isDefault: false },
  { number: '+1 (339) 219-5276', e164: '+13392195276', isDefault: false },
];

describe('pending outbound requests', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  const outbound = (f: CallFixtures, over: Record<string, unknown> = {}) => ({ call_type: OUT, agent_email: f.agents.available.email, end_user_number: '+1 859-657-9625', lang: 'en', ...over });
  const pendingRows = async (f: CallFixtures) => Number((await t.db.query(`SELECT count(*) FROM pending_calls WHERE company_id = $1`, [f.companyId]))[0].count);
  const agentStatus = async (id: number) => (await t.db.query(`SELECT status FROM agents WHERE id = $1`, [id]))[0].status;

  describe('POST /calls answers 202', () => {
    it('when the company has several outbound numbers and no default', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const res = await t.post(CALLS, outbound(f), f.company);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        call_type: OUT,
        agent_email: f.agents.available.email,
        end_user_number: '+18596579625',
        ticket_id: null,
        lang: 'en',
        pending_action: 'select_outbound_number',
        choices: ['+17608675309', '+13392195276'],
      });
      // Only the pending request is written: no call, and the agent stays available.
      expect(await countCallRows(t, f.companyId)).toEqual({ calls: 0, end_users: 0, participants: 0, call_events: 0, pending_calls: 1, busy_agents: 1 });
      expect(await agentStatus(f.agents.available.id)).toBe('available');
    });

    it('when outbound_number is not one of the company numbers and there is no default', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const res = await t.post(CALLS, outbound(f, { outbound_number: '+1 760-410-8538', lang: 'es' }), f.company);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ lang: 'es', pending_action: 'select_outbound_number', choices: ['+17608675309', '+13392195276'] });
    });

    it("when the ticket's contact has several numbers and no end_user_number is given", async () => {
      const f = await seedCallFixtures(t);
      const res = await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: '71451' }), f.company);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        call_type: OUT,
        agent_email: f.agents.available.email,
        end_user_number: null,
        ticket_id: '71451',
        lang: 'en',
        pending_action: 'select_end_user_number',
        choices: ['+18596579626', '+12025550143'],
      });
      expect(await pendingRows(f)).toBe(1);
    });

    it('asks for the end user number first when both numbers are ambiguous', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const res = await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: '71451' }), f.company);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ ticket_id: '71451', pending_action: 'select_end_user_number', choices: ['+18596579626', '+12025550143'] });
    });

    it('reads a ticket_id sent as a number in the pending body as its decimal string', async () => {
      const f = await seedCallFixtures(t);
      const res = await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: 71451 }), f.company);
      expect(res.status).toBe(202);
      expect(res.body.ticket_id).toBe('71451');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['the agent is busy', { agent_email: 'busy' }, 'Agent is not available to take this call'],
      ['lang is unknown', { lang: 'xy' }, "Language 'xy' is not found"],
      ['the ticket is unknown', { ticket_id: '404' }, 'Contact not found'],
    ])('never when an earlier row fails: %s', async (_name, over, message) => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const body = outbound(f, { ...over, agent_email: over.agent_email === 'busy' ? f.agents.busy.email : f.agents.available.email });
      const res = await t.post(CALLS, body, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message } });
      expect(await pendingRows(f)).toBe(0);
    });
  });

  describe('POST /calls answers 201, not 202', () => {
    it('when outbound_number is one of several numbers without a default', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const res = await t.post(CALLS, outbound(f, { outbound_number: '+13392195276' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe('+1 (339) 219-5276');
      expect(await pendingRows(f)).toBe(0);
    });

    it("when end_user_number picks one of the ticket's numbers", async () => {
      const f = await seedCallFixtures(t);
      const res = await t.post(CALLS, outbound(f, { ticket_id: '71451', end_user_number: '+1 202-555-0143' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body.out_ticket_id).toBe('71451');
      const [eu] = await t.db.query(`SELECT phone_number FROM end_users WHERE id = $1`, [res.body.end_user.id]);
      expect(eu.phone_number).toBe('+12025550143');
    });
  });

  describe("a ticket whose contact has no phone number", () => {
    const noNumber = async (f: CallFixtures) => t.db.query(`INSERT INTO contacts (company_id, ticket_id, out_contact_id, phone_numbers) VALUES ($1, 'no-number', 'c-0', '{}')`, [f.companyId]);

    it('is refused with 400 without end_user_number: there is nothing to choose from', async () => {
      const f = await seedCallFixtures(t);
      await noNumber(f);
      const before = await countCallRows(t, f.companyId);
      const res = await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: 'no-number' }), f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: CallMessages.contactHasNoPhoneNumber } });
      expect(await countCallRows(t, f.companyId)).toEqual(before);
    });

    it('places the call to end_user_number when it is given', async () => {
      const f = await seedCallFixtures(t);
      await noNumber(f);
      const res = await t.post(CALLS, outbound(f, { end_user_number: '+1 202-555-0143', ticket_id: 'no-number' }), f.company);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ out_ticket_id: 'no-number', end_user: { out_contact_id: 'c-0' } });
    });
  });

  describe('GET /pending_calls', () => {
    it('lists every pending request of the company, or those of one agent', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const g = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const a = (await t.post(CALLS, outbound(f), f.company)).body;
      const b = (await t.post(CALLS, outbound(f, { agent_email: f.agents.other.email }), f.company)).body;
      await t.post(CALLS, outbound(g), g.company); // another company's

      const all = await t.get(PENDING, f.company);
      expect(all.status).toBe(200);
      expect(all.body).toEqual([a, b]);

      const mine = await t.get(`${PENDING}?agent_email=${encodeURIComponent(f.agents.other.email)}`, f.company);
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual([b]);

      const upper = await t.get(`${PENDING}?agent_email=${encodeURIComponent(f.agents.available.email.toUpperCase())}`, f.company);
      expect(upper.body).toEqual([a]);

      const nobody = await t.get(`${PENDING}?agent_email=nobody%40example.com`, f.company);
      expect(nobody.body).toEqual([]);

      const empty = await t.get(`${PENDING}?agent_email=`, f.company);
      expect(empty.body).toEqual([a, b]);
    });

    it("never shows another company's requests, even by its agent's address", async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const g = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      await t.post(CALLS, outbound(g), g.company);
      expect((await t.get(PENDING, f.company)).body).toEqual([]);
      expect((await t.get(`${PENDING}?agent_email=${encodeURIComponent(g.agents.available.email)}`, f.company)).body).toEqual([]);
    });

    it('needs credentials', async () => {
      const res = await t.get(PENDING);
      expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' } });
    });
  });

  describe('POST /pending_calls/:id/complete', () => {
    it('places the call with the chosen outbound number and removes the request', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      const res = await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+17608675309' }, f.company);
      expect(res.status).toBe(201);
      expect(callShapeProblems(res.body)).toEqual([]);
      expect(res.body).toMatchObject({
        call_type: OUT,
        status: 'assigned',
        agent_info: { id: f.agents.available.id },
        outbound_number: '+1 760-867-5309', // as configured
        participants: [{ type: 'agent', status: 'waiting' }, { type: 'end_user', status: 'waiting' }],
      });
      expect(res.body.assigned_at).toBe(res.body.created_at);
      const [eu] = await t.db.query(`SELECT phone_number FROM end_users WHERE id = $1`, [res.body.end_user.id]);
      expect(eu.phone_number).toBe('+18596579625');
      expect(await agentStatus(f.agents.available.id)).toBe('busy');
      expect(await pendingRows(f)).toBe(0);
      expect((await t.get(PENDING, f.company)).body).toEqual([]);
      // The call is readable like any other.
      expect((await t.get(`${CALLS}/${res.body.id}`, f.company)).body).toEqual(res.body);
    });

    it('accepts the choice in another format of the same number', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      const res = await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+1 (339) 219-5276' }, f.company);
      expect(res.status).toBe(201);
      expect(res.body.outbound_number).toBe('+1 (339) 219-5276');
    });

    it("places the call to the chosen end user number, with the ticket's contact", async () => {
      const f = await seedCallFixtures(t);
      const pending = (await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: '71451' }), f.company)).body;
      const res = await t.post(`${PENDING}/${pending.id}/complete`, { end_user_number: '+12025550143' }, f.company);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ out_ticket_id: '71451', end_user: { out_contact_id: '381630957515' }, outbound_number: '+1 339-219-5276' });
      const [eu] = await t.db.query(`SELECT phone_number FROM end_users WHERE id = $1`, [res.body.end_user.id]);
      expect(eu.phone_number).toBe('+12025550143');
      expect(await pendingRows(f)).toBe(0);
    });

    it('with both choices open: one choice leaves the other pending, the second places the call', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: '71451' }), f.company)).body;
      const step = await t.post(`${PENDING}/${pending.id}/complete`, { end_user_number: '+18596579626' }, f.company);
      expect(step.status).toBe(202);
      expect(step.body).toEqual({ ...pending, end_user_number: null, pending_action: 'select_outbound_number', choices: ['+17608675309', '+13392195276'] });
      expect((await t.get(PENDING, f.company)).body).toEqual([step.body]);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0, pending_calls: 1 });

      const done = await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+13392195276' }, f.company);
      expect(done.status).toBe(201);
      expect(done.body.outbound_number).toBe('+1 (339) 219-5276');
      expect(await pendingRows(f)).toBe(0);
    });

    it('with both choices open: both choices at once place the call', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f, { end_user_number: undefined, ticket_id: '71451' }), f.company)).body;
      const done = await t.post(`${PENDING}/${pending.id}/complete`, { end_user_number: '+18596579626', outbound_number: '+17608675309' }, f.company);
      expect(done.status).toBe(201);
      expect(done.body.outbound_number).toBe('+1 760-867-5309');
      expect(await pendingRows(f)).toBe(0);
    });

    it.each<[string, Record<string, unknown> | unknown[], string]>([
      ['a number not among the choices', { outbound_number: '+1 760-410-8538' }, CallMessages.choiceNotAllowed('outbound_number')],
      ['a malformed number', { outbound_number: 'the first one' }, CallMessages.choiceNotAllowed('outbound_number')],
      ['a number that is not a string', { outbound_number: 17608675309 }, CallMessages.choiceNotAllowed('outbound_number')],
      ['no choice at all', {}, CallMessages.choiceRequired('outbound_number')],
      ['a choice of the wrong kind', { end_user_number: '+18596579625' }, CallMessages.choiceRequired('outbound_number')],
      ['a body that is not an object', ['+17608675309'], CallMessages.choiceRequired('outbound_number')],
    ])('refuses %s with 400 and keeps the request', async (_name, choice, message) => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      const before = await countCallRows(t, f.companyId);
      const res = await t.post(`${PENDING}/${pending.id}/complete`, choice, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message } });
      expect(await countCallRows(t, f.companyId)).toEqual(before);
      expect((await t.get(PENDING, f.company)).body).toEqual([pending]);
    });

    it('refuses with 400 and keeps the request when the agent is no longer available', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      await t.db.query(`UPDATE agents SET status = 'away' WHERE id = $1`, [f.agents.available.id]);
      const res = await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+17608675309' }, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: expect.any(String), status: expect.any(Number), message: 'Agent is not available to take this call' } });
      expect(await pendingRows(f)).toBe(1);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0 });
    });

    it.each([
      ['an unknown id', '3f0e4c8a-95b4-4d1a-9a43-0f6f1f7d2b11'],
      ['an id that is not a UUID', '42'],
      ['an id with SQL in it', "1' OR '1'='1"],
    ])('answers 404 for %s', async (_name, id) => {
      const f = await seedCallFixtures(t);
      const res = await t.post(`${PENDING}/${encodeURIComponent(id)}/complete`, { outbound_number: '+17608675309' }, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: CallMessages.pendingCallNotFound(id) } });
    });

    it("answers 404 for another company's request and leaves it alone", async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const g = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const theirs = (await t.post(CALLS, outbound(g), g.company)).body;
      const res = await t.post(`${PENDING}/${theirs.id}/complete`, { outbound_number: '+17608675309' }, f.company);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: expect.any(String), status: expect.any(Number), message: `Pending call ${theirs.id} is not found` } });
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 0 });
      expect((await t.get(PENDING, g.company)).body).toEqual([theirs]);
      expect(await agentStatus(g.agents.available.id)).toBe('available');
    });

    it('answers 404 once the request has been completed', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      expect((await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+17608675309' }, f.company)).status).toBe(201);
      const again = await t.post(`${PENDING}/${pending.id}/complete`, { outbound_number: '+17608675309' }, f.company);
      expect(again.status).toBe(404);
    });

    it('places exactly one call when two completions of one request race', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      const url = `${PENDING}/${pending.id}/complete`;
      const results = await Promise.all([t.post(url, { outbound_number: '+17608675309' }, f.company), t.post(url, { outbound_number: '+13392195276' }, f.company)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 404]);
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1, participants: 2, call_events: 1, pending_calls: 0 });
    });

    it('places exactly one call when many completions race', async () => {
      const f = await seedCallFixtures(t, { outboundNumbers: NO_DEFAULT });
      const pending = (await t.post(CALLS, outbound(f), f.company)).body;
      const url = `${PENDING}/${pending.id}/complete`;
      const results = await Promise.all(Array.from({ length: 10 }, () => t.post(url, { outbound_number: '+17608675309' }, f.company)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status !== 201).map((r) => r.status)).toEqual(Array(9).fill(404));
      expect(await countCallRows(t, f.companyId)).toMatchObject({ calls: 1, pending_calls: 0 });
    });

    // The winner's queries run on its own transaction's connection: with a
    // pool smaller than the crowd waiting on the lock, nobody starves.
    it('places the call when more completions race than the pool has connections', async () => {
      const small = await TestApp.start({ DB_POOL_SIZE: '3' });
      try {
        const f = await seedCallFixtures(small, { outboundNumbers: NO_DEFAULT });
        const pending = (await small.post(CALLS, outbound(f), f.company)).body;
        const url = `${PENDING}/${pending.id}/complete`;
        const results = await Promise.all(Array.from({ length: 8 }, () => small.post(url, { outbound_number: '+17608675309' }, f.company)));
        expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(404)]);
      } finally {
        await small.close();
      }
    });
  });
});
