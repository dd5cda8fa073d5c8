// Calls in a given status, and machine events as HTTP bodies, for the
// lifecycle suites (test/lifecycle-*.e2e-spec.ts).
import { LoggedEvent, replay } from '../../src/calls/lifecycle/machine/call-projection';
import type { CallEvent, CallStatus } from '../../src/calls/lifecycle/machine/call.machine';
import type { LifecyclePath } from './lifecycle-paths';
import { CallFixtures, FUTURE } from './call-fixtures';
import type { TestApp, TestResponse } from './test-app';

export const CALLS_URL = '/apps/api/v1/calls';
export const eventsUrl = (callId: number | string) => `${CALLS_URL}/${callId}/events`;

export const END_USER_NUMBER = '+1 859-657-9625';

export interface CreateOptions {
  agentEmail?: string; // outbound: the calling agent (default: the `available` one)
  menuId?: number; // inbound / scheduled
  parentId?: number; // scheduled: a callback of this call
}

// A call created through the Calls API in one of the start statuses.
// `selecting` and `action_only` cannot be created through the API (telephony
// and the SDK start them): those are created as inbound calls and moved into
// their start status with direct SQL, the call row and its 'created' event
// together, so the log still replays to the row.
export async function createCallIn(t: TestApp, f: CallFixtures, start: CallStatus, options: CreateOptions = {}): Promise<any> {
  let response: TestResponse;
  switch (start) {
    case 'assigned':
      response = await t.post(CALLS_URL, { call_type: 'Voice Outbound (API)', agent_email: options.agentEmail ?? f.agents.available.email, end_user_number: END_USER_NUMBER }, f.company);
      break;
    case 'queued':
      response = await t.post(CALLS_URL, { call_type: 'Voice Inbound (API)', menu_id: options.menuId ?? f.menus.mobile, end_user_number: END_USER_NUMBER }, f.company);
      break;
    case 'scheduled':
      response = await t.post(
        CALLS_URL,
        { call_type: 'Voice Scheduled (API)', ...(options.menuId === undefined ? (options.parentId === undefined ? { menu_id: f.menus.web } : {}) : { menu_id: options.menuId }), ...(options.parentId === undefined ? {} : { call_id: options.parentId }), end_user_number: END_USER_NUMBER, scheduled_at: FUTURE() },
        f.company,
      );
      break;
    case 'selecting':
    case 'action_only': {
      // An IVR call starts at the root menu; an SDK call at the menu it came through.
      const created = await createCallIn(t, f, 'queued', { menuId: options.menuId ?? (start === 'selecting' ? f.menus.ivrRoot : f.menus.mobile) });
      await moveToStartStatus(t, created.id, start);
      return (await t.get(`${CALLS_URL}/${created.id}`, f.company)).body;
    }
    default:
      throw new Error(`${start} is not a start status`);
  }
  if (response.status !== 201) throw new Error(`creating a ${start} call: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

// Direct SQL, for start statuses the Calls API cannot create: the call as
// telephony or the SDK would have created it (not queued, no offer yet).
export async function moveToStartStatus(t: TestApp, callId: number, status: 'selecting' | 'action_only'): Promise<void> {
  await t.db.transaction(async (manager) => {
    await manager.query(`UPDATE calls SET status = $2, queued_at = NULL, offer_events = '[]' WHERE id = $1`, [callId, status]);
    await manager.query(`UPDATE call_events SET to_status = $2 WHERE call_id = $1 AND seq = 1 AND type = 'created'`, [callId, status]);
  });
}

// The fixture agent or menu a sample's id stands for (lifecycle-paths.ts
// SAMPLE_EVENTS): agent 1 is the `available` agent, agent 2 the `other`
// one; a fact "not available" needs the `busy` agent. Menu 2 is the non-leaf
// IVR root, menu 3 its leaf.
export function sampleAgent(f: CallFixtures, sampleId: number | undefined, available = true): { id: number; email: string } {
  if (!available) return f.agents.busy;
  return sampleId === 2 ? f.agents.other : f.agents.available;
}

export function sampleMenu(f: CallFixtures, sampleId: number | undefined, leaf?: boolean): number {
  if (leaf !== undefined) return leaf ? f.menus.ivrLeaf : f.menus.ivrRoot;
  return sampleId === 2 ? f.menus.ivrRoot : f.menus.ivrLeaf;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// A machine event (from the graph's samples) as the HTTP body a client
// sends, and the event with the fixture's real ids (what the log records).
export function toRequest(event: CallEvent, f: CallFixtures): { body: Record<string, unknown>; resolved: CallEvent } {
  switch (event.type) {
    case 'select_menu': {
      const menuId = sampleMenu(f, event.menuId, event.menuIsLeaf);
      return { body: { type: event.type, menu_id: menuId }, resolved: { ...event, menuId } };
    }
    case 'assign': {
      const agent = sampleAgent(f, event.agentId, event.agentAvailable);
      return { body: { type: event.type, agent_email: agent.email }, resolved: { ...event, agentId: agent.id } };
    }
    case 'read_voicemail': {
      const agent = sampleAgent(f, event.agentId);
      return { body: { type: event.type, agent_email: agent.email }, resolved: { ...event, agentId: agent.id } };
    }
    case 'transfer': {
      if (event.toMenuId !== undefined) {
        const toMenuId = sampleMenu(f, event.toMenuId);
        return { body: { type: event.type, to_menu_id: toMenuId }, resolved: { type: 'transfer', toMenuId } };
      }
      const agent = sampleAgent(f, event.toAgentId, event.toAgentAvailable === true);
      return { body: { type: event.type, to_agent_email: agent.email }, resolved: { ...event, toAgentId: agent.id } };
    }
    case 'recover':
      throw new Error('recover is sent by the engine, not by clients');
    default: {
      // Events without references: their fields in snake_case, as the API speaks.
      const body: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) body[key === 'type' ? key : snake(key)] = value;
      return { body, resolved: event };
    }
  }
}

// The event's fields as the log keeps them (snake_case, references resolved).
export function logData(event: CallEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (key !== 'type') data[snake(key)] = value;
  return data;
}

// HTTP bodies of client events, by the status they lead a call through.
export function bodies(f: CallFixtures) {
  return {
    offer: { type: 'offer', group: 'G2' },
    assign: { type: 'assign', agent_email: f.agents.available.email },
    decline: { type: 'decline' },
    connect: { type: 'connect' },
    provider_failed: { type: 'provider_failed', voip_provider: 'voip_provider_nexmo' },
    retry: { type: 'retry' },
    ringing: { type: 'ringing' },
    connected: { type: 'connected' },
    dtmf: { type: 'dtmf', digits: '1' },
    hold: { type: 'hold' },
    unhold: { type: 'unhold' },
    transfer: { type: 'transfer', to_agent_email: f.agents.other.email },
    transfer_completed: { type: 'transfer_completed' },
    transfer_failed: { type: 'transfer_failed', fail_reason: 'transfer_expired' },
    hangup: { type: 'hangup', disconnected_by: 'disconnected_by_end_user' },
    fail: { type: 'fail', fail_reason: 'voip_conn_timeout', fail_details: 'timed out' },
    deflect: { type: 'deflect', deflection: 'over_capacity', deflection_details: [{ rule: 'queue full' }] },
    start_voicemail: { type: 'start_voicemail', voicemail_reason: 'over_capacity' },
    leave_voicemail: { type: 'leave_voicemail', recording_url: 'https://example.com/vm.mp3' },
    read_voicemail: { type: 'read_voicemail', agent_email: f.agents.available.email },
    select_menu: { type: 'select_menu', menu_id: f.menus.ivrRoot },
    dispatch: { type: 'dispatch' },
    cancel: { type: 'cancel' },
    reschedule: { type: 'reschedule', scheduled_at: FUTURE() },
    finish_action_only: { type: 'finish_action_only' },
  } satisfies Record<string, Record<string, unknown>>;
}

// How to reach each status a client can reach: the start status and the
// events after it. (`recovered` needs a callback child; see the model suite.)
export const ROUTES: Partial<Record<CallStatus, { start: CallStatus; events: Array<keyof ReturnType<typeof bodies>> }>> = {
  selecting: { start: 'selecting', events: [] },
  queued: { start: 'queued', events: [] },
  assigned: { start: 'assigned', events: [] },
  connecting: { start: 'assigned', events: ['connect'] },
  connected: { start: 'assigned', events: ['connect', 'connected'] },
  finished: { start: 'assigned', events: ['connect', 'connected', 'hangup'] },
  failed: { start: 'queued', events: ['hangup'] },
  switching: { start: 'assigned', events: ['connect', 'provider_failed'] },
  scheduled: { start: 'scheduled', events: [] },
  action_only: { start: 'action_only', events: [] },
  action_only_finished: { start: 'action_only', events: ['finish_action_only'] },
  deflected: { start: 'queued', events: ['deflect'] },
  voicemail: { start: 'queued', events: ['start_voicemail'] },
  voicemail_received: { start: 'queued', events: ['start_voicemail', 'leave_voicemail'] },
  voicemail_read: { start: 'queued', events: ['start_voicemail', 'leave_voicemail', 'read_voicemail'] },
};

// A call driven into `status` over HTTP; answers the call object.
// An outbound call is placed by the `available` agent while it is free, else
// by a new agent, so one company can hold many live calls.
export async function callIn(t: TestApp, f: CallFixtures, status: CallStatus, options: CreateOptions = {}): Promise<any> {
  const route = ROUTES[status];
  if (!route) throw new Error(`no route to ${status}`);
  const agentEmail = route.start === 'assigned' && options.agentEmail === undefined ? (await freeAgent(t, f)).email : options.agentEmail;
  let call = await createCallIn(t, f, route.start, { ...options, agentEmail });
  const all = bodies(f);
  for (const name of route.events) {
    const response = await t.post(eventsUrl(call.id), all[name], f.company);
    if (response.status !== 200) throw new Error(`driving call ${call.id} to ${status}: ${name} answered ${response.status} ${JSON.stringify(response.body)}`);
    call = response.body;
  }
  return call;
}

let extraAgents = 0;

// The fixture's `available` agent if it is, else a new available agent.
export async function freeAgent(t: TestApp, f: CallFixtures): Promise<{ id: number; email: string }> {
  const [{ status }] = await t.db.query(`SELECT status FROM agents WHERE id = $1`, [f.agents.available.id]);
  if (status === 'available') return f.agents.available;
  return newAgent(t, f);
}

export async function newAgent(t: TestApp, f: CallFixtures, status = 'available'): Promise<{ id: number; email: string }> {
  const email = `extra${++extraAgents}-${f.company.key}@example.com`;
  const [row] = await t.db.query(
    `INSERT INTO agents (company_id, email, first_name, last_name, agent_number, can_make_calls, status) VALUES ($1, $2, 'Grace', 'Hopper', '7', true, $3) RETURNING id`,
    [f.companyId, email, status],
  );
  return { id: Number(row.id), email };
}

export async function postEvent(t: TestApp, f: CallFixtures, callId: number, body: Record<string, unknown>): Promise<TestResponse> {
  return t.post(eventsUrl(callId), body, f.company);
}

// "The log is the truth": the call's row and the projection of replaying its
// log, each with every projected column, normalised for comparison
// (instants as ISO strings, ids and hold as numbers, the open transfer as
// its target).
export async function storedAndReplayed(t: TestApp, callId: number | string): Promise<{ stored: Record<string, unknown>; replayed: Record<string, unknown> }> {
  const events: LoggedEvent[] = await t.db.query(`SELECT seq, type, from_status, to_status, data, created_at FROM call_events WHERE call_id = $1 ORDER BY seq`, [callId]);
  const replayed = replay(events) as unknown as Record<string, unknown>;
  // Every column the reducer projects (new ones included) is compared.
  const columns = Object.keys(replayed).filter((key) => key !== 'offers' && key !== 'open_transfer' && /^[a-z_]+$/.test(key));
  const [row] = await t.db.query(
    `SELECT ${columns.map((column) => `c.${column}`).join(', ')},
            jsonb_array_length(c.offer_events) AS offers,
            (SELECT json_build_object('to_agent_id', tr.to_agent_id, 'to_menu_id', tr.to_menu_id)
               FROM transfers tr WHERE tr.call_id = c.id AND tr.status = 'transferring') AS open_transfer
       FROM calls c WHERE c.id = $1`,
    [callId],
  );
  return { stored: normalise(row), replayed: normalise(replayed) };
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if (key === 'agent_id' || key === 'menu_id' || key === 'hold_ms' || key === 'offers') out[key] = value === null ? null : Number(value);
    else if (key === 'open_transfer') {
      const open = value as { to_agent_id: unknown; to_menu_id: unknown } | null;
      out[key] = open === null ? null : { to_agent_id: open.to_agent_id === null ? null : Number(open.to_agent_id), to_menu_id: open.to_menu_id === null ? null : Number(open.to_menu_id) };
    } else out[key] = value;
  }
  return out;
}

// A callback of a failed call: a scheduled child (call_id = parent) that is
// dispatched and driven to `finished`; the engine then recovers the parent.
// Answers the child's responses, step by step.
export async function driveCallback(t: TestApp, f: CallFixtures, parentId: number): Promise<{ child: any; steps: Array<{ body: Record<string, unknown>; response: TestResponse }> }> {
  const [parent] = await t.db.query(`SELECT menu_id FROM calls WHERE id = $1`, [parentId]);
  // A callback goes to its parent's menu; an outbound parent has none, so one is named.
  const child = await createCallIn(t, f, 'scheduled', { parentId, menuId: parent.menu_id === null ? f.menus.web : undefined });
  const [{ status }] = await t.db.query(`SELECT status FROM agents WHERE id = $1`, [f.agents.available.id]);
  const agent = status === 'available' ? f.agents.available : f.agents.other;
  const all = bodies(f);
  const steps: Array<{ body: Record<string, unknown>; response: TestResponse }> = [];
  for (const body of [all.dispatch, { type: 'assign', agent_email: agent.email }, all.connect, all.connected, all.hangup]) {
    const response = await postEvent(t, f, child.id, body);
    if (response.status !== 200) throw new Error(`callback ${child.id}: ${body.type} answered ${response.status} ${JSON.stringify(response.body)}`);
    steps.push({ body, response });
  }
  return { child, steps };
}

// Replays one path of lifecyclePaths() over HTTP without checking each
// step; answers the ids of the calls it made (a recover step adds the child).
export async function drivePath(t: TestApp, f: CallFixtures, path: LifecyclePath): Promise<number[]> {
  const call = await createCallIn(t, f, path.start);
  const ids = [call.id as number];
  for (const step of path.steps) {
    if (step.event.type === 'recover') {
      ids.push((await driveCallback(t, f, call.id)).child.id);
      continue;
    }
    const response = await postEvent(t, f, call.id, toRequest(step.event, f).body);
    if (response.status !== 200) throw new Error(`path from ${path.start}: ${step.event.type} answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  return ids;
}
