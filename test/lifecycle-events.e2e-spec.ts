// The HTTP contract of POST /apps/api/v1/calls/:id/events (shared spec
// lifecycle.md): 404, 400 for unknown types and bad fields, 409 with the
// exact message for what the status does not allow, duplicate event_id,
// and the machine's export at GET /apps/api/v1/call-lifecycle.
import { LifecycleMessages as M } from '../src/calls/lifecycle/lifecycle-errors';
import { CALL_STATUSES, CLIENT_EVENT_TYPES, acceptsEventType } from '../src/calls/lifecycle/machine/call.machine';
import { lifecyclePaths } from './support/lifecycle-paths';
import { lifecycleTable } from '../src/calls/lifecycle/machine/lifecycle-table';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { CALLS_URL, ROUTES, bodies, callIn, eventsUrl, newAgent, postEvent, storedAndReplayed } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';

// The spec's failure reasons, written out: any of them but `nothing` may fail a call.
const FAILURE_REASONS = [
  'unknown', 'expired', 'transfer_expired', 'eu_canceled', 'eu_rejected', 'eu_abandoned', 'eu_in_menu_abandoned', 'eu_repeated_voicemail',
  'eu_repeated_callback', 'eu_busy', 'eu_wrong_number', 'eu_no_answer', 'eu_noti_failed', 'ag_canceled', 'ag_ignored', 'ag_mic_no_device',
  'ag_mic_denied', 'voip_twilio_error', 'voip_tokbox_error', 'voip_nexmo_error', 'voip_invalid_token', 'voip_conn_general', 'voip_conn_timeout',
  'voip_conn_signal', 'stuck_due_to_api_error', 'group_deleted_no_substitute', 'menu_deleted', 'direct_pstn_call_to_fallback_number',
];
const DISCONNECTED_BY = ['disconnected_by_unknown', 'disconnected_by_end_user', 'disconnected_by_agent', 'disconnected_by_system'];

describe('POST /apps/api/v1/calls/:id/events', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  // Everything a refused request must leave as it was: the call row, its
  // log, participants and transfers, and the company's agents.
  async function stateOf(f: CallFixtures, callId: number) {
    const [[call], events, participants, transfers, agents] = await Promise.all([
      t.db.query(`SELECT * FROM calls WHERE id = $1`, [callId]),
      t.db.query(`SELECT * FROM call_events WHERE call_id = $1 ORDER BY seq`, [callId]),
      t.db.query(`SELECT * FROM participants WHERE call_id = $1 ORDER BY id`, [callId]),
      t.db.query(`SELECT * FROM transfers WHERE call_id = $1 ORDER BY id`, [callId]),
      t.db.query(`SELECT id, status, updated_at FROM agents WHERE company_id = $1 ORDER BY id`, [f.companyId]),
    ]);
    return { call, events, participants, transfers, agents };
  }

  async function expectRefused(f: CallFixtures, callId: number, body: unknown, status: number, message: string) {
    const before = await stateOf(f, callId);
    const response = await t.post(eventsUrl(callId), body, f.company);
    expect({ body, status: response.status, answer: response.body }).toEqual({ body, status, answer: { error: expect.any(String), status: expect.any(Number), message } });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await stateOf(f, callId)).toEqual(before);
  }

  describe('404', () => {
    it('answers 404 for a call that does not exist, or is not a number', async () => {
      const f = await seedCallFixtures(t);
      for (const id of ['999999999', 'abc', '0', '-1']) {
        const response = await t.post(eventsUrl(id), { type: 'hold' }, f.company);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Call ${id} is not found` });
      }
    });

    it("answers 404 for another company's call, exactly as for a missing one, and changes nothing", async () => {
      const owner = await seedCallFixtures(t);
      const stranger = await seedCallFixtures(t);
      const call = await callIn(t, owner, 'connected');
      const before = await stateOf(owner, call.id);
      for (const body of [{ type: 'hold' }, { type: 'hangup' }, { type: 'hold', event_id: 'x-1' }]) {
        const response = await t.post(eventsUrl(call.id), body, stranger.company);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Call ${call.id} is not found` });
      }
      const events = await t.get(eventsUrl(call.id), stranger.company);
      expect(events.status).toBe(404);
      expect(events.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: `Call ${call.id} is not found` });
      expect(await stateOf(owner, call.id)).toEqual(before);
    });

    it('answers 401 without credentials', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'queued');
      const response = await t.post(eventsUrl(call.id), { type: 'offer', group: 'G2' });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: expect.any(String), status: expect.any(Number), message: 'Unauthorized' });
    });
  });

  describe('400', () => {
    let f: CallFixtures;
    beforeAll(async () => (f = await seedCallFixtures(t)));

    it('refuses a missing or unknown type, and recover from a client', async () => {
      const call = await callIn(t, f, 'failed');
      await expectRefused(f, call.id, {}, 400, M.typeRequired);
      await expectRefused(f, call.id, [], 400, M.typeRequired);
      await expectRefused(f, call.id, { type: '' }, 400, M.typeRequired);
      await expectRefused(f, call.id, { type: 'explode' }, 400, M.typeUnknown('explode'));
      await expectRefused(f, call.id, { type: 42 }, 400, M.typeUnknown('42'));
      await expectRefused(f, call.id, { type: 'created' }, 400, M.typeUnknown('created'));
      // recover is the engine's own, even on a failed call that could take it.
      await expectRefused(f, call.id, { type: 'recover' }, 400, M.engineOnly('recover'));
      expect(M.typeUnknown('explode')).toContain(CLIENT_EVENT_TYPES.join(', '));
      expect(M.typeUnknown('explode')).not.toContain('recover');
    });

    it('refuses bad fields of events the status takes', async () => {
      const queued = await callIn(t, f, 'queued');
      await expectRefused(f, queued.id, { type: 'fail', fail_reason: 'alien_abduction' }, 400, M.oneOf('fail_reason', FAILURE_REASONS));
      // `nothing` means "not failed": not a reason to fail with.
      await expectRefused(f, queued.id, { type: 'fail', fail_reason: 'nothing' }, 400, M.oneOf('fail_reason', FAILURE_REASONS));
      await expectRefused(f, queued.id, { type: 'fail', fail_reason: 5 }, 400, M.oneOf('fail_reason', FAILURE_REASONS));
      await expectRefused(f, queued.id, { type: 'fail' }, 400, M.required('fail_reason'));
      await expectRefused(f, queued.id, { type: 'fail', fail_reason: 'expired', fail_details: 7 }, 400, M.notWellFormed('fail_details'));
      await expectRefused(f, queued.id, { type: 'assign' }, 400, M.required('agent_email'));
      await expectRefused(f, queued.id, { type: 'assign', agent_email: '' }, 400, M.required('agent_email'));
      await expectRefused(f, queued.id, { type: 'assign', agent_email: 'nobody@example.com' }, 400, M.agentNotFound('agent_email'));
      await expectRefused(f, queued.id, { type: 'offer' }, 400, M.required('group'));
      await expectRefused(f, queued.id, { type: 'hangup', disconnected_by: 'the_cat' }, 400, M.oneOf('disconnected_by', DISCONNECTED_BY));
      await expectRefused(f, queued.id, { type: 'deflect', deflection: 'no_deflection' }, 400, M.oneOf('deflection', ['after_hours', 'over_capacity']));
      await expectRefused(f, queued.id, { type: 'deflect', deflection: 'after_hours', deflection_details: 'x' }, 400, M.notWellFormed('deflection_details'));
      await expectRefused(f, queued.id, { type: 'start_voicemail' }, 400, M.required('voicemail_reason'));
      await expectRefused(f, queued.id, { type: 'offer', group: 'G2', event_id: { id: 1 } }, 400, M.eventIdInvalid);
      await expectRefused(f, queued.id, { type: 'offer', group: 'G2', event_id: 'x'.repeat(256) }, 400, M.eventIdInvalid);
      // An agent of another company is unknown here.
      const other = await seedCallFixtures(t);
      await expectRefused(f, queued.id, { type: 'assign', agent_email: other.agents.available.email }, 400, M.agentNotFound('agent_email'));

      const connecting = await callIn(t, f, 'connecting');
      await expectRefused(f, connecting.id, { type: 'provider_failed', voip_provider: 'voip_provider_skype' }, 400, M.oneOf('voip_provider', ['voip_provider_twilio', 'voip_provider_nexmo', 'voip_provider_tokbox']));
      await expectRefused(f, connecting.id, { type: 'provider_failed' }, 400, M.required('voip_provider'));

      const connected = await callIn(t, f, 'connected');
      await expectRefused(f, connected.id, { type: 'transfer', to_agent_email: f.agents.other.email, to_menu_id: f.menus.ivrLeaf }, 400, M.transferTarget);
      await expectRefused(f, connected.id, { type: 'transfer' }, 400, M.transferTarget);
      await expectRefused(f, connected.id, { type: 'transfer', to_agent_email: null, to_menu_id: null }, 400, M.transferTarget);
      await expectRefused(f, connected.id, { type: 'transfer', to_agent_email: 'ghost@example.com' }, 400, M.agentNotFound('to_agent_email'));
      await expectRefused(f, connected.id, { type: 'transfer', to_menu_id: 999999 }, 400, M.menuNotFound('999999', 'to_menu_id'));
      await expectRefused(f, connected.id, { type: 'transfer', to_menu_id: 'menu_1' }, 400, M.notWellFormed('to_menu_id'));
      await expectRefused(f, connected.id, { type: 'transfer', to_menu_id: f.menus.deleted }, 400, M.menuNotFound(String(f.menus.deleted), 'to_menu_id'));
      await expectRefused(f, connected.id, { type: 'transfer', to_menu_id: other.menus.ivrLeaf }, 400, M.menuNotFound(String(other.menus.ivrLeaf), 'to_menu_id'));
      await expectRefused(f, connected.id, { type: 'transfer_failed', fail_reason: 'nope' }, 400, M.oneOf('fail_reason', FAILURE_REASONS));

      const voicemail = await callIn(t, f, 'voicemail');
      for (const url of ['not a url', 'ftp://example.com/vm.mp3', 'javascript:alert(1)', 42]) {
        await expectRefused(f, voicemail.id, { type: 'leave_voicemail', recording_url: url }, 400, M.notWellFormed('recording_url'));
      }
      await expectRefused(f, voicemail.id, { type: 'leave_voicemail' }, 400, M.required('recording_url'));

      const received = await callIn(t, f, 'voicemail_received');
      await expectRefused(f, received.id, { type: 'read_voicemail' }, 400, M.required('agent_email'));
      await expectRefused(f, received.id, { type: 'read_voicemail', agent_email: 'ghost@example.com' }, 400, M.agentNotFound('agent_email'));

      const selecting = await callIn(t, f, 'selecting');
      await expectRefused(f, selecting.id, { type: 'select_menu' }, 400, M.required('menu_id'));
      await expectRefused(f, selecting.id, { type: 'select_menu', menu_id: 'menu_999' }, 400, M.notWellFormed('menu_id'));
      await expectRefused(f, selecting.id, { type: 'select_menu', menu_id: 2.5 }, 400, M.notWellFormed('menu_id'));
      await expectRefused(f, selecting.id, { type: 'select_menu', menu_id: 999999 }, 400, M.menuNotFound('999999'));
      await expectRefused(f, selecting.id, { type: 'select_menu', menu_id: f.menus.deleted }, 400, M.menuNotFound(String(f.menus.deleted)));
      await expectRefused(f, selecting.id, { type: 'select_menu', menu_id: other.menus.ivrLeaf }, 400, M.menuNotFound(String(other.menus.ivrLeaf)));
    });

    it('checks fields before it looks for the call', async () => {
      const response = await t.post(eventsUrl('999999999'), { type: 'explode' }, f.company);
      expect(response.status).toBe(400);
    });
  });

  describe('409', () => {
    it('refuses, with the exact message, every event type a status does not take, and changes nothing', async () => {
      const f = await seedCallFixtures(t);
      const all: Record<string, Record<string, unknown>> = bodies(f);
      const statuses = CALL_STATUSES.filter((status) => ROUTES[status] !== undefined);
      expect(statuses).toHaveLength(CALL_STATUSES.length - 1); // all but `recovered`, reached in the model suite
      let refusals = 0;
      for (const status of statuses) {
        const call = await callIn(t, f, status);
        const before = await stateOf(f, call.id);
        for (const type of CLIENT_EVENT_TYPES.filter((type) => !acceptsEventType(status, type))) {
          // A body valid in every field, so only the status can refuse it.
          const body = all[type] ?? { type };
          const response = await postEvent(t, f, call.id, body);
          expect({ status, body, answer: response.status, message: response.body }).toEqual({ status, body, answer: 409, message: { error: 'event_not_allowed', status: 409, message: `Cannot ${type} a call in status '${status}'` } });
          refusals += 1;
        }
        expect(await stateOf(f, call.id)).toEqual(before);
      }
      expect(refusals).toBeGreaterThan(250);
    });

    it('answers 409 before it resolves references: an unknown agent on a call that cannot be assigned', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected');
      await expectRefused(f, call.id, { type: 'assign', agent_email: 'ghost@example.com' }, 409, M.notAllowed('assign', 'connected'));
      await expectRefused(f, call.id, { type: 'select_menu', menu_id: 999999 }, 409, M.notAllowed('select_menu', 'connected'));
    });

    it('refuses what a guard refuses: hold on hold, unhold off hold, transfer outcomes without a transfer, a second transfer', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected');
      await expectRefused(f, call.id, { type: 'unhold' }, 409, M.notAllowed('unhold', 'connected'));
      await expectRefused(f, call.id, { type: 'transfer_completed' }, 409, M.notAllowed('transfer_completed', 'connected'));
      await expectRefused(f, call.id, { type: 'transfer_failed', fail_reason: 'transfer_expired' }, 409, M.notAllowed('transfer_failed', 'connected'));
      expect((await postEvent(t, f, call.id, { type: 'hold' })).status).toBe(200);
      await expectRefused(f, call.id, { type: 'hold' }, 409, M.notAllowed('hold', 'connected'));
      expect((await postEvent(t, f, call.id, { type: 'transfer', to_menu_id: f.menus.ivrLeaf })).status).toBe(200);
      await expectRefused(f, call.id, { type: 'transfer', to_menu_id: f.menus.mobile }, 409, M.notAllowed('transfer', 'connected'));
      await expectRefused(f, call.id, { type: 'transfer', to_agent_email: f.agents.other.email }, 409, M.notAllowed('transfer', 'connected'));
      // A second transfer is refused for the running one, not for its target's availability.
      await expectRefused(f, call.id, { type: 'transfer', to_agent_email: f.agents.busy.email }, 409, M.notAllowed('transfer', 'connected'));
    });

    it('answers "Agent is not available" when only the agent refused: busy, away, or on another live call', async () => {
      const f = await seedCallFixtures(t);
      const queued = await callIn(t, f, 'queued');
      await expectRefused(f, queued.id, { type: 'assign', agent_email: f.agents.busy.email }, 409, M.agentNotAvailable);
      await expectRefused(f, queued.id, { type: 'assign', agent_email: f.agents.away.email }, 409, M.agentNotAvailable);
      const live = await callIn(t, f, 'connected'); // takes the `available` agent
      expect(live.agent_info.id).toBe(f.agents.available.id);
      await expectRefused(f, queued.id, { type: 'assign', agent_email: f.agents.available.email.toUpperCase() }, 409, M.agentNotAvailable);
      await expectRefused(f, live.id, { type: 'transfer', to_agent_email: f.agents.busy.email }, 409, M.agentNotAvailable);
      await expectRefused(f, live.id, { type: 'transfer', to_agent_email: f.agents.available.email }, 409, M.agentNotAvailable);
      expect(M.agentNotAvailable).toBe('Agent is not available to take this call');
    });
  });

  describe('duplicate event_id', () => {
    it('answers the first result with idempotent-replayed and applies nothing', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected');
      const first = await postEvent(t, f, call.id, { type: 'hold', event_id: 'evt-hold-1' });
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const afterFirst = await stateOf(f, call.id);
      const second = await postEvent(t, f, call.id, { type: 'hold', event_id: 'evt-hold-1' });
      expect(second.status).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(await stateOf(f, call.id)).toEqual(afterFirst);
      const log = (await t.get(eventsUrl(call.id), f.company)).body;
      expect(log.filter((e: any) => e.type === 'hold')).toEqual([expect.objectContaining({ event_id: 'evt-hold-1', seq: log.length })]);

      // Later, after other events, the same id still answers the first result.
      expect((await postEvent(t, f, call.id, { type: 'unhold' })).status).toBe(200);
      const later = await postEvent(t, f, call.id, { type: 'hold', event_id: 'evt-hold-1' });
      expect(later.status).toBe(200);
      expect(later.headers['idempotent-replayed']).toBe('true');
      expect(later.body).toEqual(first.body);
      // Even with another body: the id names the delivery, not its content.
      const other = await postEvent(t, f, call.id, { type: 'hangup', event_id: 'evt-hold-1' });
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      const now = (await t.get(`${CALLS_URL}/${call.id}`, f.company)).body;
      expect(now.status).toBe('connected');
      expect((await t.get(eventsUrl(call.id), f.company)).body).toHaveLength(log.length + 1);
    });

    it('answers the first result for an event a status takes again and again (offer)', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'queued');
      const first = await postEvent(t, f, call.id, { type: 'offer', group: 'G2', event_id: 42 });
      const second = await postEvent(t, f, call.id, { type: 'offer', group: 'G2', event_id: '42' });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.body.offer_events).toHaveLength(2);
      const log = (await t.get(eventsUrl(call.id), f.company)).body;
      expect(log.map((e: any) => [e.type, e.event_id])).toEqual([['created', null], ['offer', '42']]);
    });

    it('records nothing for a refused event: its id can be used again', async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected');
      const refused = await postEvent(t, f, call.id, { type: 'unhold', event_id: 'evt-u' });
      expect(refused.status).toBe(409);
      expect((await postEvent(t, f, call.id, { type: 'hold' })).status).toBe(200);
      const applied = await postEvent(t, f, call.id, { type: 'unhold', event_id: 'evt-u' });
      expect(applied.status).toBe(200);
      expect(applied.headers['idempotent-replayed']).toBeUndefined();
      expect(applied.body.status).toBe('connected');
    });

    it('keeps event ids per call', async () => {
      const f = await seedCallFixtures(t);
      const a = await callIn(t, f, 'queued');
      const b = await callIn(t, f, 'queued');
      const onA = await postEvent(t, f, a.id, { type: 'offer', group: 'G2', event_id: 'shared' });
      const onB = await postEvent(t, f, b.id, { type: 'offer', group: 'G3', event_id: 'shared' });
      expect([onA.status, onB.status]).toEqual([200, 200]);
      expect(onB.headers['idempotent-replayed']).toBeUndefined();
      expect(onB.body.id).toBe(b.id);
      expect(onB.body.offer_events).toHaveLength(2); // the first offer of an inbound call, and G3
      expect(onB.body.offer_events[1].group).toBe('G3');
      for (const id of [a.id, b.id]) {
        const { stored, replayed } = await storedAndReplayed(t, id);
        expect(replayed).toEqual(stored);
      }
    });
  });

  describe('decline', () => {
    let f: CallFixtures;
    beforeAll(async () => (f = await seedCallFixtures(t)));

    async function loggedAt(callId: number, type: string): Promise<string> {
      const [row] = await t.db.query(`SELECT created_at FROM call_events WHERE call_id = $1 AND type = $2 ORDER BY seq DESC LIMIT 1`, [callId, type]);
      return row.created_at.toISOString();
    }

    it('puts an outbound call in the queue from the moment it was declined', async () => {
      const call = await callIn(t, f, 'assigned');
      expect(call.queued_at).toBeNull();
      const declined = await postEvent(t, f, call.id, { type: 'decline' });
      expect(declined.status).toBe(200);
      expect(declined.body).toMatchObject({ status: 'queued', assigned_at: null, agent_info: null, queued_at: await loggedAt(call.id, 'decline') });
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
    });

    it('keeps the time an inbound call first entered the queue', async () => {
      const call = await callIn(t, f, 'queued');
      const assigned = await postEvent(t, f, call.id, { type: 'assign', agent_email: f.agents.other.email });
      expect(assigned.status).toBe(200);
      const declined = await postEvent(t, f, call.id, { type: 'decline' });
      expect(declined.body).toMatchObject({ status: 'queued', queued_at: call.queued_at });
      expect(declined.body.queued_at).not.toBe(await loggedAt(call.id, 'decline'));
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
      await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_end_user' });
    });
  });

  describe('a hold across a transfer to an agent', () => {
    it("credits each agent with its own part of the hold; the call with all of it", async () => {
      const f = await seedCallFixtures(t);
      const call = await callIn(t, f, 'connected');
      const to = await newAgent(t, f);
      for (const body of [{ type: 'hold' }, { type: 'transfer', to_agent_email: to.email }, { type: 'transfer_completed' }, { type: 'unhold' }]) {
        const answer = await postEvent(t, f, call.id, body);
        expect([body.type, answer.status]).toEqual([body.type, 200]);
      }
      const at: Record<string, number> = {};
      for (const row of await t.db.query(`SELECT type, created_at FROM call_events WHERE call_id = $1`, [call.id])) at[row.type] = row.created_at.getTime();
      const agents = await t.db.query(`SELECT agent_id::int AS agent_id, hold_ms::int AS hold_ms FROM participants WHERE call_id = $1 AND type = 'agent' ORDER BY id`, [call.id]);
      expect(agents).toEqual([
        { agent_id: call.agent_info.id, hold_ms: at.transfer_completed - at.hold },
        { agent_id: to.id, hold_ms: at.unhold - at.transfer_completed },
      ]);
      const { stored, replayed } = await storedAndReplayed(t, call.id);
      expect(replayed).toEqual(stored);
      expect(Number(stored.hold_ms)).toBe(at.unhold - at.hold);
      await postEvent(t, f, call.id, { type: 'hangup', disconnected_by: 'disconnected_by_agent' });
    });
  });

  describe('GET /apps/api/v1/call-lifecycle', () => {
    it("answers the machine's table: its states and every transition", async () => {
      const response = await t.get('/apps/api/v1/call-lifecycle');
      expect(response.status).toBe(200);
      expect(response.body).toEqual(JSON.parse(JSON.stringify(lifecycleTable())));
      expect(response.body.states).toEqual([...CALL_STATUSES]);
      for (const row of response.body.transitions) expect(Object.keys(row).sort()).toEqual(row.guard === undefined ? ['event', 'from', 'to'] : ['event', 'from', 'guard', 'to']);
      // The rows of the spec's event table are there (the table's own guards aside).
      const triples = new Set(response.body.transitions.map((r: any) => `${r.from} ${r.event} ${r.to}`));
      for (const row of ['selecting select_menu queued', 'scheduled dispatch queued', 'queued assign assigned', 'connected hangup finished', 'voicemail hangup failed', 'failed recover recovered', 'deflected start_voicemail voicemail']) {
        expect(triples).toContain(row);
      }
    });

    it('is the table the model suite walks: every transition lies on a path', async () => {
      const response = await t.get('/apps/api/v1/call-lifecycle');
      const walked = new Set(lifecyclePaths().flatMap((p) => p.steps.map((s) => `${s.from} ${s.event.type} ${s.to}`)));
      expect(response.body.transitions.map((r: any) => `${r.from} ${r.event} ${r.to}`).filter((k: string) => !walked.has(k))).toEqual([]);
    });
  });
});
