import { ActivityLogRow } from './agent-activity-logs.repository';

// CCAI's agent activity log record. `whodunnit` is the agent the row is
// about: Switchboard's API tokens belong to the company, not to a person, so
// the one person a change can be put down to is the agent.
export function presentActivityLog(row: ActivityLogRow) {
  const started = new Date(row.started_at);
  const ended = row.ended_at === null ? null : new Date(row.ended_at);
  return {
    id: Number(row.id),
    agent_id: Number(row.agent_id),
    activity: row.activity,
    status: row.status,
    started_at: started.toISOString(),
    ended_at: ended === null ? null : ended.toISOString(),
    duration: ended === null ? null : Math.max(0, Math.floor((ended.getTime() - started.getTime()) / 1000)),
    call_id: row.call_id === null ? null : Number(row.call_id),
    chat_id: null,
    whodunnit: row.whodunnit,
  };
}
