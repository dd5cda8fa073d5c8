// Concurrent events on one call are applied one after the other, each
// seeing the other's result (shared spec lifecycle.md, "Rules that hold at
// every moment"). Fastify's inject runs the requests of one Promise.all
// concurrently on the app's real connection pool.
import { LifecycleMessages as M } from '../src/calls/lifecycle/lifecycle-errors';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { TestApp, TestResponse } from './support/test-app';
import { callIn, eventsUrl, newAgent, postEvent, storedAndReplayed } from './support/lifecycle-fixtures';

const ROUNDS = 20;
const CONCURRENT = 50;

describe('concurrent events', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  // Requests built by `bodyOf(i)`, all in flight at once.
  async function race(f: CallFixtures, callId: number, bodyOf: (i: number) => Record<string, unknown>, count = CONCURRENT): Promise<Array<{ body: Record<string, unknown>; response: TestResponse }>> {
    const bodies = Array.from({ length: count }, (_, i) => bodyOf(i));
    const responses = await Promise.all(bodies.map((body) => postEvent(t, f, callId, body)));
    // No request may fail on the server: every loser is a clean 409.
    expect(responses.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    return bodies.map((body, i) => ({ body, response: responses[i] }));
  }

  const ok = (results: Array<{ body: Record<string, unknown>; response: TestResponse }>, type?: string) =>
    results.filter((r) => r.response.status === 200 && (type === undefined || r.body.type === type));

  async function expectLogMatchesRow(callId: number) {
    const { stored, replayed } = await storedAndReplayed(t, callId);
    expect(replayed).toEqual(stored);
    const [row] = await t.db.query(`SELECT last_seq, (SELECT array_agg(seq ORDER BY seq) FROM call_events WHERE call_id = $1) AS seqs FROM calls WHERE id = $1`, [callId]);
    expect(row.seqs).toEqual(Array.from({ length: row.last_seq }, (_, i) => i + 1));
  }

  async function agentStatus(id: number): Promise<string> {
    const [row] = await t.db.query(`SELECT status FROM agents WHERE id = $1`, [id]);
    return row.status;
  }

  async function logTypes(f: CallFixtures, callId: number): Promise<string[]> {
    return (await t.get(eventsUrl(callId), f.company)).body.map((e: { type: string }) => e.type);
  }

  it(`hangup against hold, ${ROUNDS} rounds of ${CONCURRENT}: one hangup, at most one hold before it`, async () => {
    const f = await seedCallFixtures(t);
    for (let round = 0; round < ROUNDS; round++) {
      const call = await callIn(t, f, 'connected');
      const results = await race(f, call.id, (i) => (i % 2 === 0 ? { type: 'hold' } : { type: 'hangup', disconnected_by: 'disconnected_by_agent' }));
      expect(ok(results, 'hangup')).toHaveLength(1);
      const holds = ok(results, 'hold');
      expect(holds.length).toBeLessThanOrEqual(1);
      for (const { body, response } of results.filter((r) => r.response.status !== 200)) {
        expect(response.status).toBe(409);
        expect([M.notAllowed(String(body.type), 'finished'), M.notAllowed('hold', 'connected')]).toContain(response.body.message);
      }
      const types = await logTypes(f, call.id);
      expect(types).toEqual(['created', 'connect', 'connected', ...(holds.length === 1 ? ['hold'] : []), 'hangup']);
      const ended = ok(results, 'hangup')[0].response.body;
      expect(ended.status).toBe('finished');
      expect(ended.participants.every((p: { status: string }) => p.status === 'finished')).toBe(true);
      expect(await agentStatus(call.agent_info.id)).toBe('available');
      await expectLogMatchesRow(call.id);
    }
  });

  it(`assign by two different agents, ${ROUNDS} rounds: one agent gets the call, the other stays available`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'queued');
      const agents = [f.agents.available, f.agents.other];
      const results = await race(f, call.id, (i) => ({ type: 'assign', agent_email: agents[i % 2].email }));
      const won = ok(results);
      expect(won).toHaveLength(1);
      for (const { response } of results.filter((r) => r.response.status !== 200)) {
        expect(response.status).toBe(409);
        expect(response.body.message).toBe(M.notAllowed('assign', 'assigned'));
      }
      const winner = agents.find((a) => a.email === won[0].body.agent_email)!;
      const loser = agents.find((a) => a !== winner)!;
      expect(won[0].response.body.agent_info.id).toBe(winner.id);
      expect(won[0].response.body.participants.filter((p: { type: string }) => p.type === 'agent')).toHaveLength(1);
      expect([await agentStatus(winner.id), await agentStatus(loser.id)]).toEqual(['busy', 'available']);
      expect(await logTypes(f, call.id)).toEqual(['created', 'assign']);
      await expectLogMatchesRow(call.id);
    }
  });

  it(`transfer against hangup, ${ROUNDS} rounds: one hangup; a transfer that won first fails with it and frees its target`, async () => {
    const f = await seedCallFixtures(t);
    for (let round = 0; round < ROUNDS; round++) {
      const call = await callIn(t, f, 'connected');
      const results = await race(f, call.id, (i) => (i % 2 === 0 ? { type: 'transfer', to_agent_email: f.agents.other.email } : { type: 'hangup', disconnected_by: 'disconnected_by_end_user' }));
      expect(ok(results, 'hangup')).toHaveLength(1);
      const transfers = ok(results, 'transfer');
      expect(transfers.length).toBeLessThanOrEqual(1);
      for (const { body, response } of results.filter((r) => r.response.status !== 200)) {
        expect(response.status).toBe(409);
        expect([M.notAllowed(String(body.type), 'finished'), M.notAllowed('transfer', 'connected')]).toContain(response.body.message);
      }
      const ended = ok(results, 'hangup')[0].response.body;
      expect(ended.transfers.map((tr: { status: string; fail_reason: string }) => [tr.status, tr.fail_reason])).toEqual(transfers.length === 1 ? [['failed', 'eu_canceled']] : []);
      expect(await logTypes(f, call.id)).toEqual(['created', 'connect', 'connected', ...(transfers.length === 1 ? ['transfer'] : []), 'hangup']);
      expect([await agentStatus(call.agent_info.id), await agentStatus(f.agents.other.id)]).toEqual(['available', 'available']);
      await expectLogMatchesRow(call.id);
    }
  });

  it(`transfer to two agents, ${ROUNDS} rounds: one transfer runs, the others are refused for it`, async () => {
    const f = await seedCallFixtures(t);
    const targets = [f.agents.other, f.agents.noCalls];
    for (let round = 0; round < ROUNDS; round++) {
      const call = await callIn(t, f, 'connected');
      const results = await race(f, call.id, (i) => ({ type: 'transfer', to_agent_email: targets[i % 2].email }));
      const won = ok(results);
      expect(won).toHaveLength(1);
      // Refused for the running transfer, even where the target is now busy too.
      for (const { response } of results.filter((r) => r.response.status !== 200)) {
        expect(response.status).toBe(409);
        expect(response.body.message).toBe(M.notAllowed('transfer', 'connected'));
      }
      const target = targets.find((a) => a.email === won[0].body.to_agent_email)!;
      const other = targets.find((a) => a !== target)!;
      expect(won[0].response.body.transfers.map((tr: any) => [tr.status, tr.to_agent.id])).toEqual([['transferring', target.id]]);
      expect([await agentStatus(target.id), await agentStatus(other.id)]).toEqual(['busy', 'available']);
      await expectLogMatchesRow(call.id);
      // The target takes the call; hanging up frees everyone for the next round.
      expect((await postEvent(t, f, call.id, { type: 'transfer_completed' })).status).toBe(200);
      expect((await postEvent(t, f, call.id, { type: 'hangup' })).status).toBe(200);
      expect([await agentStatus(call.agent_info.id), await agentStatus(target.id)]).toEqual(['available', 'available']);
      await expectLogMatchesRow(call.id);
    }
  });

  it(`two calls assigned to one agent at the same moment, ${ROUNDS} rounds: one wins, the agent is on one live call`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const f = await seedCallFixtures(t);
      const agent = await newAgent(t, f);
      const a = await callIn(t, f, 'queued');
      const b = await callIn(t, f, 'queued');
      const requests = Array.from({ length: CONCURRENT }, (_, i) => ({ callId: i % 2 === 0 ? a.id : b.id, body: { type: 'assign', agent_email: agent.email } }));
      const responses = await Promise.all(requests.map((r) => postEvent(t, f, r.callId, r.body)));
      expect(responses.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
      const won = requests.map((r, i) => ({ ...r, response: responses[i] })).filter((r) => r.response.status === 200);
      expect(won).toHaveLength(1);
      const winner = won[0].callId;
      requests.forEach((r, i) => {
        if (responses[i].status === 200) return;
        expect(responses[i].status).toBe(409);
        // On the winning call the status refuses; on the other, the agent.
        expect(responses[i].body.message).toBe(r.callId === winner ? M.notAllowed('assign', 'assigned') : M.agentNotAvailable);
      });
      const live = await t.db.query(`SELECT id::int AS id FROM calls WHERE agent_id = $1 AND status IN ('assigned', 'connecting', 'switching', 'connected')`, [agent.id]);
      expect(live).toEqual([{ id: winner }]);
      expect(await agentStatus(agent.id)).toBe('busy');
      const [loser] = await t.db.query(`SELECT status, agent_id FROM calls WHERE id = $1`, [winner === a.id ? b.id : a.id]);
      expect(loser).toEqual({ status: 'queued', agent_id: null });
      await expectLogMatchesRow(a.id);
      await expectLogMatchesRow(b.id);
    }
  });

  it('20 concurrent copies of one event_id apply once and all answer the first result', async () => {
    const f = await seedCallFixtures(t);
    for (let round = 0; round < 5; round++) {
      // An event the status takes again and again: only the id keeps it to one.
      const queued = await callIn(t, f, 'queued');
      const offers = await race(f, queued.id, () => ({ type: 'offer', group: 'G7', event_id: `offer-${round}` }), 20);
      expect(offers.map((r) => r.response.status)).toEqual(Array(20).fill(200));
      expect(offers.filter((r) => r.response.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      for (const r of offers) expect(r.response.body).toEqual(offers[0].response.body);
      expect(await logTypes(f, queued.id)).toEqual(['created', 'offer']);
      expect(offers[0].response.body.offer_events).toHaveLength(2);
      await expectLogMatchesRow(queued.id);

      // An event a second application would refuse: still the first result, not a 409.
      const connected = await callIn(t, f, 'connected');
      const holds = await race(f, connected.id, () => ({ type: 'hold', event_id: `hold-${round}` }), 20);
      expect(holds.map((r) => r.response.status)).toEqual(Array(20).fill(200));
      expect(holds.filter((r) => r.response.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      for (const r of holds) expect(r.response.body).toEqual(holds[0].response.body);
      expect(await logTypes(f, connected.id)).toEqual(['created', 'connect', 'connected', 'hold']);
      await expectLogMatchesRow(connected.id);
      expect((await postEvent(t, f, connected.id, { type: 'hangup' })).status).toBe(200);
    }
  });
});
