import type { CallViewRow, TransferJson } from '../call-view';
import type { RecordedAnswer } from '../lifecycle/call-locks';
import { MenuPath, presentMenuPath } from '../../menus/menu.presenter';

// The seed's call object, rendered in one place. Every field is always
// present (null where unknown), with the seed's JSON types; times are ISO
// 8601 UTC with milliseconds; durations are whole seconds, counting up to
// now while the call runs.
export type CallObject = ReturnType<typeof presentCall>;

export function presentCall(row: CallViewRow) {
  const now = new Date(row.now).getTime();
  const holdMs = Number(row.hold_ms) + (row.hold_started_at ? Math.max(0, now - new Date(row.hold_started_at).getTime()) : 0);
  return {
    id: Number(row.id),
    parent_id: row.parent_id === null ? null : Number(row.parent_id),
    lang: row.lang,
    call_type: row.call_type,
    status: row.status,
    created_at: iso(row.created_at),
    queued_at: iso(row.queued_at),
    assigned_at: iso(row.assigned_at),
    connected_at: iso(row.connected_at),
    ends_at: iso(row.ends_at),
    scheduled_at: iso(row.scheduled_at),
    wait_duration: row.queued_at ? seconds(row.queued_at, row.assigned_at ?? row.ends_at, now) : 0,
    call_duration: row.connected_at ? seconds(row.connected_at, row.ends_at, now) : 0,
    hold_duration: Math.floor(holdMs / 1000),
    rating: row.rating,
    has_feedback: row.has_feedback,
    voip_provider: row.voip_provider,
    out_ticket_id: row.out_ticket_id,
    out_ticket_url: row.out_ticket_url,
    verified: row.verified,
    recording_url: row.recording_url,
    recording_permission: row.recording_permission,
    voicemail_reason: row.voicemail_reason,
    deflection: row.deflection,
    disconnected_by: row.disconnected_by,
    fail_details: row.fail_details,
    fail_reason: row.fail_reason,
    support_number: row.support_number,
    selected_menu: row.selected_menu,
    menu_path: presentMenuPath(row.menu_path),
    agent_info: agentRef(row.agent_info),
    end_user: row.end_user,
    photos: [] as unknown[],
    videos: [] as unknown[],
    transfers: row.transfers.map((t) => presentTransfer(t, row, now)),
    participants: row.participants.map((p) => ({
      id: p.id,
      type: p.type,
      status: p.status,
      call_id: p.call_id,
      user_id: p.user_id,
      end_user_id: p.end_user_id,
      call_duration: p.connected_at ? seconds(p.connected_at, p.ended_at, now) : null,
      hold_duration: p.hold_ms === null ? null : Math.floor(Number(p.hold_ms) / 1000),
      connected_at: iso(p.connected_at),
      ended_at: iso(p.ended_at),
      fail_reason: p.fail_reason,
    })),
    offer_type: row.offer_type,
    offer_events: (row.offer_events as Array<{ casting_time: string; group: string }>).map((e) => ({ casting_time: e.casting_time, group: e.group })),
    answer_type: row.answer_type,
    outbound_number: row.outbound_number,
    deflection_details: row.deflection_details,
    updated_at: iso(row.updated_at),
  };
}

// A transfer as the Apps API (from_menu, to_menu) and CCAI's call records
// (the rest) read it. An agent transfer is assigned when it opens and
// connected when it completes; a menu transfer is never assigned to an agent
// here. wait_duration runs from the request to the connection (or the
// failure), call_duration from the connection to the call's end.
function presentTransfer(t: TransferJson, call: CallViewRow, now: number) {
  const fromMenu = presentMenuPath(t.from_menu as MenuPath | null);
  const toMenu = presentMenuPath(t.to_menu as MenuPath | null);
  const updatedAt = t.updated_at ?? t.created_at;
  const connectedAt = t.status === 'transferred' ? updatedAt : null;
  return {
    id: t.id,
    status: t.status,
    fail_reason: t.fail_reason,
    created_at: iso(t.created_at),
    assigned_at: t.to_agent ? iso(t.created_at) : null,
    connected_at: iso(connectedAt),
    updated_at: iso(updatedAt),
    wait_duration: t.status === 'transferring' ? seconds(t.created_at, null, now) : seconds(t.created_at, updatedAt, now),
    call_duration: connectedAt === null ? null : seconds(connectedAt, call.ends_at, now),
    deflection: null,
    answer_type_path: null,
    from_menu: fromMenu,
    to_menu: toMenu,
    from_menu_path: fromMenu,
    to_menu_path: toMenu === null ? null : toMenu.name,
    from_agent: agentRef(t.from_agent as AgentInfo | null),
    to_agent: agentRef(t.to_agent as AgentInfo | null),
    from_queue_priority_level: null,
    to_queue_priority_level: null,
  };
}

interface AgentInfo {
  id: number;
  name: string;
  last_name: string;
  first_name: string;
  agent_number: string | number | null;
  avatar_url: string | null;
}

// agent_info as CCAI's call records carry it: agent_number an integer
// (agent numbers are 1 to 15 digits: exact as a JSON number).
function agentRef(agent: Record<string, unknown> | AgentInfo | null) {
  if (agent === null) return null;
  const a = agent as unknown as AgentInfo;
  const number = a.agent_number === null || a.agent_number === undefined || a.agent_number === '' ? null : Number(a.agent_number);
  return {
    id: Number(a.id),
    name: a.name,
    last_name: a.last_name,
    first_name: a.first_name,
    agent_number: number !== null && Number.isSafeInteger(number) ? number : null,
    avatar_url: a.avatar_url,
  };
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function seconds(from: Date | string, to: Date | string | null, now: number): number {
  const end = to === null ? now : new Date(to).getTime();
  return Math.max(0, Math.floor((end - new Date(from).getTime()) / 1000));
}

// What the lifecycle answered for an event: the call's view, or an answer
// recorded already presented (events before the EventLogOutbox migration).
export function presentAnswer(answer: RecordedAnswer): unknown {
  return 'view' in answer ? presentCall(answer.view) : answer.presented;
}
