// Model-based: every path of lifecyclePaths() (together they take every
// transition of the machine) replayed over HTTP against the real app. After
// each step the call object, its participants and transfers, the agents'
// statuses and the event log are checked against an independent model of
// the spec's event table (shared spec lifecycle.md), not against the machine.
import { CallEvent, CallStatus, LIVE_STATUSES, START_STATUSES } from '../src/calls/lifecycle/machine/call.machine';
import { lifecycleTable } from '../src/calls/lifecycle/machine/lifecycle-table';
import { LifecyclePath, lifecyclePaths } from './support/lifecycle-paths';
import { CallFixtures, seedCallFixtures } from './support/call-fixtures';
import { CALLS_URL, createCallIn, eventsUrl, logData, postEvent, storedAndReplayed, toRequest } from './support/lifecycle-fixtures';
import { TestApp } from './support/test-app';

type Iso = string | null;

interface ParticipantModel {
  id: number;
  type: 'agent' | 'end_user';
  userId: number | null;
  status: string;
  connectedAt: Iso;
  endedAt: Iso;
  failReason: string;
  holdMs: number | null;
}

interface TransferModel {
  status: string;
  failReason: string;
  createdAt: string;
  fromAgent: number | null;
  toAgent: number | null;
  fromMenu: number | null;
  toMenu: number | null;
}

interface LogRow {
  seq: number;
  type: string;
  from: string | null;
  to: string;
  data: Record<string, unknown>;
  event_id: string | null;
  created_at: string;
}

const ms = (iso: string) => new Date(iso).getTime();
const seconds = (from: string, to: number) => Math.max(0, Math.floor((to - ms(from)) / 1000));
const isLive = (status: string) => (LIVE_STATUSES as readonly string[]).includes(status);

// The agents of one company, as the spec says they must be.
class AgentsModel {
  constructor(
    private readonly t: TestApp,
    private readonly f: CallFixtures,
    readonly status: Map<number, string>,
  ) {}

  static async load(t: TestApp, f: CallFixtures): Promise<AgentsModel> {
    const rows: Array<{ id: string; status: string }> = await t.db.query(`SELECT id, status FROM agents WHERE company_id = $1`, [f.companyId]);
    return new AgentsModel(t, f, new Map(rows.map((r) => [Number(r.id), r.status])));
  }

  set(id: number | null, status: 'busy' | 'available') {
    if (id === null) return;
    // Only a busy agent becomes available again (an away agent stays away).
    if (status === 'available' && this.status.get(id) !== 'busy') return;
    this.status.set(id, status);
  }

  async check(): Promise<void> {
    const rows: Array<{ id: string; status: string }> = await this.t.db.query(`SELECT id, status FROM agents WHERE company_id = $1`, [this.f.companyId]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual(Object.fromEntries([...this.status].map(([id, s]) => [String(id), s])));
    // An agent is on at most one live call.
    const doubled = await this.t.db.query(
      `SELECT agent_id FROM calls WHERE company_id = $1 AND agent_id IS NOT NULL AND status IN ('assigned', 'connecting', 'switching', 'connected') GROUP BY agent_id HAVING count(*) > 1`,
      [this.f.companyId],
    );
    expect(doubled).toEqual([]);
  }
}

// One call as the spec's event table says it must be after each event.
class CallModel {
  status: CallStatus;
  createdAt: string;
  queuedAt: Iso;
  assignedAt: Iso;
  connectedAt: Iso;
  endsAt: Iso;
  scheduledAt: Iso;
  agentId: number | null;
  menuId: number | null;
  holdMs = 0;
  holdStartedAt: Iso = null;
  voipProvider: string;
  failReason = 'nothing';
  failDetails: string | null = null;
  disconnectedBy = 'disconnected_by_unknown';
  deflection = 'no_deflection';
  deflectionDetails: unknown[] = [];
  voicemailReason = 'not_voicemail';
  recordingUrl: string | null = null;
  offers: Array<{ casting_time: string; group: string }>;
  participants: ParticipantModel[];
  transfers: TransferModel[] = [];
  log: LogRow[];
  parent: CallModel | null = null;

  constructor(
    private readonly t: TestApp,
    private readonly f: CallFixtures,
    readonly agents: AgentsModel,
    readonly id: number,
    created: any,
    log: LogRow[],
  ) {
    this.status = created.status;
    this.createdAt = created.created_at;
    this.queuedAt = created.queued_at;
    this.assignedAt = created.assigned_at;
    this.connectedAt = null;
    this.endsAt = null;
    this.scheduledAt = created.scheduled_at;
    this.agentId = created.agent_info?.id ?? null;
    this.menuId = created.selected_menu?.id ?? null;
    this.voipProvider = created.voip_provider;
    this.offers = created.offer_events;
    this.participants = created.participants.map((p: any) => ({
      id: p.id,
      type: p.type,
      userId: p.user_id,
      status: 'waiting',
      connectedAt: null,
      endedAt: null,
      failReason: 'nothing',
      holdMs: null,
    }));
    this.log = log;
  }

  // A new call in `start`, and its model.
  static async create(t: TestApp, f: CallFixtures, agents: AgentsModel, start: CallStatus, options: Parameters<typeof createCallIn>[3] = {}): Promise<CallModel> {
    const created = await createCallIn(t, f, start, options);
    expect(created.status).toBe(start);
    const log = (await t.get(eventsUrl(created.id), f.company)).body as LogRow[];
    expect(log).toEqual([{ seq: 1, type: 'created', from: null, to: start, data: expect.any(Object), event_id: null, created_at: created.created_at }]);
    // Where calls start, per the Calls API: outbound with its agent, inbound with its first offer.
    const agentParticipants = created.participants.filter((p: any) => p.type === 'agent');
    expect(agentParticipants.map((p: any) => p.user_id)).toEqual(created.agent_info ? [created.agent_info.id] : []);
    expect(created.participants.filter((p: any) => p.type === 'end_user')).toHaveLength(1);
    const model = new CallModel(t, f, agents, created.id, created, log);
    if (start === 'assigned') agents.status.set(model.agentId!, 'busy');
    return model;
  }

  private live(): ParticipantModel[] {
    return this.participants.filter((p) => p.endedAt === null);
  }

  private agentParticipant(): ParticipantModel | undefined {
    return this.live().find((p) => p.type === 'agent');
  }

  private endCall(at: string) {
    this.endsAt = at;
    for (const p of this.live()) {
      p.status = 'finished';
      p.endedAt = at;
    }
  }

  private closeHold(at: string) {
    if (this.holdStartedAt === null) return;
    const held = ms(at) - ms(this.holdStartedAt);
    this.holdMs += held;
    this.creditHold(at);
    this.holdStartedAt = null;
  }

  // The agent on the call is credited the part of the open hold since it joined.
  private creditHold(at: string) {
    const agent = this.agentParticipant();
    if (agent && this.holdStartedAt !== null) agent.holdMs = (agent.holdMs ?? 0) + ms(at) - Math.max(ms(this.holdStartedAt), agent.connectedAt === null ? 0 : ms(agent.connectedAt));
  }

  private openTransfer(): TransferModel | undefined {
    return this.transfers.find((tr) => tr.status === 'transferring');
  }

  // The spec's event table, row by row: the status after `event` and its effects at `at`.
  apply(event: CallEvent, at: string, pathTo?: CallStatus): CallStatus {
    const from = this.status;
    let to: CallStatus = from;
    switch (event.type) {
      case 'select_menu':
        this.menuId = event.menuId;
        if (event.menuIsLeaf) {
          to = 'queued';
          this.queuedAt = at;
        }
        break;
      case 'dispatch':
        to = 'queued';
        this.queuedAt = at;
        break;
      case 'reschedule':
        // Not in the spec's table (issue 5): a booked call moves to another time.
        this.scheduledAt = event.scheduledAt;
        break;
      case 'cancel':
        to = 'failed';
        this.failReason = 'eu_canceled';
        this.endCall(at);
        break;
      case 'offer':
        this.offers = [...this.offers, { casting_time: at, group: event.group }];
        break;
      case 'assign':
        to = 'assigned';
        this.assignedAt = at;
        this.agentId = event.agentId;
        this.participants.push({ id: -1, type: 'agent', userId: event.agentId, status: 'waiting', connectedAt: null, endedAt: null, failReason: 'nothing', holdMs: null });
        this.agents.set(event.agentId, 'busy');
        break;
      case 'decline': {
        to = 'queued';
        const agent = this.agentParticipant()!;
        agent.status = 'failed';
        agent.endedAt = at;
        agent.failReason = 'ag_ignored';
        this.agents.set(this.agentId, 'available');
        // agent_info is cleared; so is assigned_at (the call waits again).
        // An outbound call (created assigned) enters the queue now.
        this.agentId = null;
        this.assignedAt = null;
        this.queuedAt ??= at;
        break;
      }
      case 'connect':
        to = 'connecting';
        for (const p of this.live()) p.status = 'connecting';
        break;
      case 'provider_failed':
        to = 'switching';
        this.voipProvider = event.voipProvider;
        break;
      case 'retry':
        to = 'connecting';
        break;
      case 'connected':
        to = 'connected';
        this.connectedAt = at;
        for (const p of this.live()) {
          p.status = 'connected';
          p.connectedAt = at;
          p.holdMs = 0;
        }
        break;
      case 'hold':
        this.holdStartedAt = at;
        break;
      case 'unhold':
        this.closeHold(at);
        break;
      case 'transfer':
        this.transfers.push({
          status: 'transferring',
          failReason: 'nothing',
          createdAt: at,
          fromAgent: this.agentId,
          toAgent: event.toAgentId ?? null,
          fromMenu: this.menuId,
          toMenu: event.toMenuId ?? null,
        });
        if (event.toAgentId !== undefined) this.agents.set(event.toAgentId, 'busy');
        break;
      case 'transfer_completed': {
        const open = this.openTransfer()!;
        open.status = 'transferred';
        if (open.toAgent !== null) {
          // The agent leaving is credited its part of a hold still open.
          this.creditHold(at);
          const old = this.agentParticipant()!;
          old.status = 'finished';
          old.endedAt = at;
          this.participants.push({ id: -1, type: 'agent', userId: open.toAgent, status: 'connected', connectedAt: at, endedAt: null, failReason: 'nothing', holdMs: 0 });
          this.agents.set(this.agentId, 'available');
          this.agentId = open.toAgent;
        } else {
          this.menuId = open.toMenu;
        }
        break;
      }
      case 'transfer_failed': {
        const open = this.openTransfer()!;
        open.status = 'failed';
        open.failReason = event.failReason;
        this.agents.set(open.toAgent, 'available');
        break;
      }
      case 'hangup': {
        this.disconnectedBy = event.disconnectedBy ?? 'disconnected_by_unknown';
        if (from === 'connected') {
          to = 'finished';
          this.closeHold(at);
          const open = this.openTransfer();
          if (open) {
            // A transfer still running when the call hangs up fails, named after who hung up.
            open.status = 'failed';
            open.failReason = event.disconnectedBy === 'disconnected_by_end_user' ? 'eu_canceled' : event.disconnectedBy === 'disconnected_by_agent' ? 'ag_canceled' : 'unknown';
            this.agents.set(open.toAgent, 'available');
          }
        } else {
          to = 'failed';
          this.failReason = from === 'selecting' ? 'eu_in_menu_abandoned' : from === 'queued' || from === 'voicemail' ? 'eu_abandoned' : 'eu_canceled';
        }
        this.endCall(at);
        if (isLive(from)) this.agents.set(this.agentId, 'available');
        break;
      }
      case 'fail':
        to = 'failed';
        this.failReason = event.failReason;
        this.failDetails = event.failDetails;
        this.endCall(at);
        if (isLive(from)) this.agents.set(this.agentId, 'available');
        break;
      case 'deflect':
        to = 'deflected';
        this.deflection = event.deflection;
        this.deflectionDetails = event.deflectionDetails;
        this.endCall(at);
        break;
      case 'start_voicemail':
        to = 'voicemail';
        this.voicemailReason = event.voicemailReason;
        break;
      case 'leave_voicemail':
        to = 'voicemail_received';
        this.recordingUrl = event.recordingUrl;
        // A deflected call keeps its deflection; ends_at moves to the end of the voicemail.
        this.endCall(at);
        break;
      case 'read_voicemail':
        to = 'voicemail_read';
        break;
      case 'finish_action_only':
        to = 'action_only_finished';
        this.endCall(at);
        break;
      case 'recover':
        to = 'recovered';
        break;
      default:
        // An event the spec's table does not have (added to the machine
        // later): only its status is known here; nothing else may change.
        to = pathTo ?? from;
    }
    this.status = to;
    return to;
  }

  // Posts one client event and checks everything after it.
  async step(event: CallEvent, pathTo?: CallStatus): Promise<any> {
    const { body, resolved } = toRequest(event, this.f);
    const before = Date.now();
    const response = await postEvent(this.t, this.f, this.id, body);
    const after = Date.now();
    expect({ event: body, status: response.status, body: response.status === 200 ? 'a call' : response.body }).toEqual({ event: body, status: 200, body: 'a call' });
    const from = this.status;
    const row = await this.expectNewLogRow(resolved.type, resolved);
    const to = this.apply(resolved, row.created_at, pathTo);
    if (pathTo !== undefined) expect(to).toBe(pathTo);
    expect(row).toMatchObject({ from, to });
    this.check(response.body, before, after);
    await this.agents.check();
    // The engine's recover: a callback child that finished recovers its failed parent.
    if (resolved.type === 'hangup' && to === 'finished' && this.parent?.status === 'failed') await this.parent.expectRecovered(this.id);
    return response.body;
  }

  private async expectNewLogRow(type: string, resolved: CallEvent | null): Promise<LogRow> {
    const log = (await this.t.get(eventsUrl(this.id), this.f.company)).body as LogRow[];
    expect(log.slice(0, this.log.length)).toEqual(this.log);
    expect(log).toHaveLength(this.log.length + 1);
    const row = log[log.length - 1];
    expect(row).toEqual({
      seq: this.log.length + 1,
      type,
      from: this.status,
      to: expect.any(String),
      data: resolved === null ? {} : logData(resolved),
      event_id: null,
      created_at: expect.any(String),
    });
    expect(ms(row.created_at)).toBeGreaterThanOrEqual(ms(this.log[this.log.length - 1].created_at));
    this.log = log;
    return row;
  }

  // The parent of a callback child that just finished: recovered by the
  // engine in the child's transaction.
  async expectRecovered(childId: number): Promise<void> {
    const before = Date.now();
    const row = await this.expectNewLogRow('recover', null);
    this.apply({ type: 'recover' }, row.created_at);
    expect(row).toMatchObject({ from: 'failed', to: 'recovered' });
    const parent = await this.t.get(`${CALLS_URL}/${this.id}`, this.f.company);
    this.check(parent.body, before, Date.now());
    // One transaction wrote both log rows (and both call rows).
    const [child, mine] = await Promise.all([
      this.t.db.query(`SELECT xmin::text AS tx FROM call_events WHERE call_id = $1 ORDER BY seq DESC LIMIT 1`, [childId]),
      this.t.db.query(`SELECT xmin::text AS tx FROM call_events WHERE call_id = $1 ORDER BY seq DESC LIMIT 1`, [this.id]),
    ]);
    expect(mine[0].tx).toBe(child[0].tx);
    const rows = await this.t.db.query(`SELECT xmin::text AS tx FROM calls WHERE id IN ($1, $2)`, [childId, this.id]);
    expect(rows.map((r: { tx: string }) => r.tx)).toEqual([child[0].tx, child[0].tx]);
  }

  // The call object against the model; `before`/`after` bound the server's
  // "now" for durations that still count up.
  check(call: any, before: number, after: number): void {
    const counting = (from: Iso, to: Iso): [number, number] =>
      from === null ? [0, 0] : to !== null ? [seconds(from, ms(to)), seconds(from, ms(to))] : [seconds(from, before), seconds(from, after)];
    expect({
      id: call.id,
      status: call.status,
      created_at: call.created_at,
      queued_at: call.queued_at,
      assigned_at: call.assigned_at,
      connected_at: call.connected_at,
      ends_at: call.ends_at,
      scheduled_at: call.scheduled_at,
      agent: call.agent_info?.id ?? null,
      menu: call.selected_menu?.id ?? null,
      menu_path_ends_with_menu: call.menu_path === null ? null : call.menu_path.materialized_path.split('/').pop(),
      voip_provider: call.voip_provider,
      fail_reason: call.fail_reason,
      fail_details: call.fail_details,
      disconnected_by: call.disconnected_by,
      deflection: call.deflection,
      deflection_details: call.deflection_details,
      voicemail_reason: call.voicemail_reason,
      recording_url: call.recording_url,
      offer_events: call.offer_events,
      participants: call.participants.map((p: any) => ({
        type: p.type,
        user_id: p.user_id,
        status: p.status,
        connected_at: p.connected_at,
        ended_at: p.ended_at,
        fail_reason: p.fail_reason,
        hold_duration: p.hold_duration,
      })),
      transfers: call.transfers.map((tr: any) => ({
        status: tr.status,
        fail_reason: tr.fail_reason,
        created_at: tr.created_at,
        from_agent: tr.from_agent?.id ?? null,
        to_agent: tr.to_agent?.id ?? null,
        from_menu: tr.from_menu === null ? null : Number(tr.from_menu.materialized_path.split('/').pop()),
        to_menu: tr.to_menu === null ? null : Number(tr.to_menu.materialized_path.split('/').pop()),
      })),
    }).toEqual({
      id: this.id,
      status: this.status,
      created_at: this.createdAt,
      queued_at: this.queuedAt,
      assigned_at: this.assignedAt,
      connected_at: this.connectedAt,
      ends_at: this.endsAt,
      scheduled_at: this.scheduledAt,
      agent: this.agentId,
      menu: this.menuId,
      menu_path_ends_with_menu: this.menuId === null ? null : String(this.menuId),
      voip_provider: this.voipProvider,
      fail_reason: this.failReason,
      fail_details: this.failDetails,
      disconnected_by: this.disconnectedBy,
      deflection: this.deflection,
      deflection_details: this.deflectionDetails,
      voicemail_reason: this.voicemailReason,
      recording_url: this.recordingUrl,
      offer_events: this.offers,
      participants: this.participants.map((p) => ({
        type: p.type,
        user_id: p.userId,
        status: p.status,
        connected_at: p.connectedAt,
        ended_at: p.endedAt,
        fail_reason: p.failReason,
        hold_duration: p.holdMs === null ? null : Math.floor(p.holdMs / 1000),
      })),
      transfers: this.transfers.map((tr) => ({
        status: tr.status,
        fail_reason: tr.failReason,
        created_at: tr.createdAt,
        from_agent: tr.fromAgent,
        to_agent: tr.toAgent,
        from_menu: tr.fromMenu,
        to_menu: tr.toMenu,
      })),
    });

    // Timestamps never go backwards.
    const stamps = [call.created_at, call.queued_at, call.assigned_at, call.connected_at, call.ends_at].filter((s): s is string => s !== null).map(ms);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));

    // Durations in whole seconds, counting up to now while the call runs.
    const within = (actual: number, [low, high]: [number, number]) => {
      expect(actual).toBeGreaterThanOrEqual(low);
      expect(actual).toBeLessThanOrEqual(high);
    };
    within(call.wait_duration, counting(this.queuedAt, this.assignedAt ?? this.endsAt));
    within(call.call_duration, counting(this.connectedAt, this.endsAt));
    const held = (now: number) => Math.floor((this.holdMs + (this.holdStartedAt === null ? 0 : now - ms(this.holdStartedAt))) / 1000);
    within(call.hold_duration, [held(before), held(after)]);
    call.participants.forEach((p: any, i: number) => {
      const model = this.participants[i];
      if (model.connectedAt === null) expect(p.call_duration).toBeNull();
      else within(p.call_duration, counting(model.connectedAt, model.endedAt));
    });
  }
}

// Creates the call for a path (or a scenario) and walks it step by step.
async function walk(t: TestApp, start: CallStatus, steps: Array<{ event: CallEvent; to?: CallStatus }>): Promise<CallModel> {
  const f = await seedCallFixtures(t);
  const agents = await AgentsModel.load(t, f);
  const call = await CallModel.create(t, f, agents, start);
  for (const { event, to } of steps) {
    if (event.type === 'recover') {
      // Not a client event: a callback child of the failed call, scheduled
      // with call_id = the call, dispatched and driven to `finished`.
      expect(call.status).toBe('failed');
      const child = await CallModel.create(t, f, agents, 'scheduled', { parentId: call.id, menuId: call.menuId === null ? f.menus.web : undefined });
      child.parent = call;
      for (const childEvent of [
        { type: 'dispatch' },
        { type: 'assign', agentId: agents.status.get(f.agents.available.id) === 'available' ? 1 : 2, agentAvailable: true },
        { type: 'connect' },
        { type: 'connected' },
        { type: 'hangup', disconnectedBy: 'disconnected_by_end_user' },
      ] satisfies CallEvent[]) {
        await child.step(childEvent);
      }
      expect(child.status).toBe('finished');
      expect(call.status).toBe(to ?? 'recovered');
      await expectReplayEqualsRow(t, child.id);
      continue;
    }
    await call.step(event, to);
  }
  await expectReplayEqualsRow(t, call.id);
  return call;
}

async function expectReplayEqualsRow(t: TestApp, callId: number): Promise<void> {
  const { stored, replayed } = await storedAndReplayed(t, callId);
  expect(replayed).toEqual(stored);
}

const pathName = (path: LifecyclePath) => `${path.start}: ${path.steps.map((s) => `${s.event.type}→${s.to}`).join(', ')}`;
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

describe('call lifecycle, model-based over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  const paths = lifecyclePaths();

  it('walks every transition of the table, each path from a start status', () => {
    for (const path of paths) expect(START_STATUSES).toContain(path.start);
    const walked = new Set(paths.flatMap((p) => p.steps.map((s) => `${s.from} ${s.event.type} ${s.to}`)));
    expect(lifecycleTable().transitions.map((r) => `${r.from} ${r.event} ${r.to}`).filter((k) => !walked.has(k))).toEqual([]);
  });

  describe.each(paths.map((path) => [pathName(path), path] as const))('path %s', (_name, path) => {
    it('answers, writes and logs every step as the spec says', async () => {
      await walk(t, path.start, path.steps.map((s) => ({ event: s.event, to: s.to })));
    });
  });

  // Effects the graph's shortest paths do not reach.
  describe('beyond the shortest paths', () => {
    it('a transfer to a menu changes the menu; a hangup on hold with a transfer running closes both', async () => {
      await walk(t, 'assigned', [
        { event: { type: 'connect' } },
        { event: { type: 'connected' } },
        { event: { type: 'transfer', toMenuId: 3 } },
        { event: { type: 'transfer_completed' } },
        { event: { type: 'hold' } },
        { event: { type: 'transfer', toAgentId: 2, toAgentAvailable: true } },
        { event: { type: 'hangup', disconnectedBy: 'disconnected_by_agent' } },
      ]);
    });

    it('a transfer to another agent hands the call over; hangup then frees the new agent', async () => {
      const call = await walk(t, 'queued', [
        { event: { type: 'assign', agentId: 1, agentAvailable: true } },
        { event: { type: 'connect' } },
        { event: { type: 'connected' } },
        { event: { type: 'transfer', toAgentId: 2, toAgentAvailable: true } },
        { event: { type: 'transfer_failed', failReason: 'transfer_expired' } },
        { event: { type: 'transfer', toAgentId: 2, toAgentAvailable: true } },
        { event: { type: 'transfer_completed' } },
        { event: { type: 'hangup' } },
      ]);
      expect([...call.agents.status.values()].filter((s) => s === 'busy')).toHaveLength(1); // the fixture's busy agent only
    });

    it('a deflected call that goes to voicemail keeps its deflection and its ends_at moves forward', async () => {
      const call = await walk(t, 'selecting', [
        { event: { type: 'select_menu', menuId: 2, menuIsLeaf: false } },
        { event: { type: 'deflect', deflection: 'after_hours', deflectionDetails: [{ rule: 'closed' }] } },
      ]);
      const deflectedEndsAt = call.endsAt!;
      await call.step({ type: 'start_voicemail', voicemailReason: 'after_hours' });
      await call.step({ type: 'leave_voicemail', recordingUrl: 'https://example.com/left.mp3' });
      await call.step({ type: 'read_voicemail', agentId: 1 });
      expect(call.deflection).toBe('after_hours');
      expect(ms(call.endsAt!)).toBeGreaterThanOrEqual(ms(deflectedEndsAt));
      expect(call.log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('a hangup in the voicemail fails the call as abandoned; offers append to offer_events', async () => {
      await walk(t, 'queued', [
        { event: { type: 'offer', group: 'G2' } },
        { event: { type: 'offer', group: 'G3' } },
        { event: { type: 'start_voicemail', voicemailReason: 'no_answer' } },
        { event: { type: 'hangup' } },
      ]);
    });

    // The only sleeps of the suite: durations must be seen above zero once.
    it('counts wait, hold and call durations in whole seconds', async () => {
      const f = await seedCallFixtures(t);
      const agents = await AgentsModel.load(t, f);
      const call = await CallModel.create(t, f, agents, 'queued');
      await sleep(1050);
      const assigned = await call.step({ type: 'assign', agentId: 1, agentAvailable: true });
      expect(assigned.wait_duration).toBeGreaterThanOrEqual(1);
      await call.step({ type: 'connect' });
      await call.step({ type: 'connected' });
      await call.step({ type: 'hold' });
      await sleep(1050);
      const unheld = await call.step({ type: 'unhold' });
      expect(unheld.hold_duration).toBeGreaterThanOrEqual(1);
      expect(unheld.participants.find((p: any) => p.type === 'agent').hold_duration).toBeGreaterThanOrEqual(1);
      const ended = await call.step({ type: 'hangup', disconnectedBy: 'disconnected_by_end_user' });
      expect(ended.call_duration).toBeGreaterThanOrEqual(1);
      expect(ended.hold_duration).toBe(Math.floor(call.holdMs / 1000));
      const [row] = await t.db.query(`SELECT hold_ms::int AS hold_ms FROM calls WHERE id = $1`, [call.id]);
      expect(row.hold_ms).toBe(call.holdMs);
      await expectReplayEqualsRow(t, call.id);
    });
  });
});
