import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// The record shapes CCAI data pipelines validate (shared spec
// manager-api-records.md), as JSON Schemas: every field listed is required,
// `T?` may be null, extra keys are allowed (clients are told to expect them).
const int = { type: 'integer' };
const str = { type: 'string' };
const bool = { type: 'boolean' };
const time = { type: 'string', format: 'date-time' };
const maybe = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const object = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

const statusRef = object({ id: int, name: str, color: str, wfm_id: maybe(int) });
const callAgent = object({ id: int, name: str, first_name: str, last_name: str, agent_number: maybe(int), avatar_url: maybe(str) });
const nestedAgent = object({ id: int, name: str, first_name: str, last_name: str, agent_number: maybe({ type: 'string', pattern: '^[0-9]+$' }), avatar_url: maybe({ type: 'string', format: 'uri' }) });
const menuPath = object({ items_count: int, name: str, materialized_path: str });

const transfer = object({
  id: int,
  status: str,
  fail_reason: maybe(str),
  created_at: time,
  assigned_at: maybe(time),
  connected_at: maybe(time),
  updated_at: time,
  wait_duration: maybe(int),
  call_duration: maybe(int),
  deflection: maybe(str),
  answer_type_path: maybe(str),
  from_agent: maybe(callAgent),
  to_agent: maybe(callAgent),
  from_menu_path: maybe(menuPath),
  to_menu_path: maybe(str),
  from_queue_priority_level: maybe(int),
  to_queue_priority_level: maybe(str),
});

export const RECORD_SHAPES: Record<string, object> = {
  agents: object({
    id: int,
    email: str,
    first_name: str,
    last_name: str,
    middle_name: maybe(str),
    agent_number: maybe({ type: 'string', pattern: '^[0-9]+$' }),
    avatar_url: maybe({ type: 'string', format: 'uri' }),
    status: statusRef,
    status_updated_at: time,
    created_at: time,
    last_login_time: maybe(time),
    online: bool,
    roles: { type: 'array' },
    teams: { type: 'array', items: object({ id: int, name: str, parent_id: maybe(int), position: int, deleted: bool, agents_count: int }) },
    channels: { type: 'array' },
    call_count: int,
    chat_count: int,
    crm_authenticated: bool,
    location: maybe(str),
    wrap_up: bool,
  }),
  agent_activity_logs: object({
    id: int,
    agent_id: int,
    activity: str,
    status: statusRef,
    started_at: time,
    ended_at: maybe(time),
    duration: maybe(int),
    call_id: maybe(int),
    chat_id: maybe(int),
    whodunnit: nestedAgent,
  }),
  calls: object({
    id: int,
    status: str,
    call_type: str,
    created_at: time,
    updated_at: time,
    agent_info: maybe(callAgent),
    transfers: { type: 'array', items: transfer },
    rating: maybe({ type: ['string', 'integer'] }),
  }),
  chats: object({ id: int }),
  menus: object({
    id: int,
    name: str,
    parent_id: maybe(int),
    position: int,
    menu_type: str,
    output_msg: maybe(str),
    hidden: bool,
    deleted: bool,
    agent_assignments: { type: 'array', items: object({ assignee: nestedAgent }) },
    team_assignments: { type: 'array', items: object({ team: object({ id: int, name: str, agents_count: int, assignees: { type: 'array', items: nestedAgent } }) }) },
  }),
  'menus/tree': object({ id: int, name: str, parent_id: maybe(int), position: int, deleted: bool, agents_count: int }),
  teams: object({ id: int, name: str, parent_id: maybe(int), position: int, deleted: bool, agents_count: int, assignees: { type: 'array', items: nestedAgent } }),
  'teams/tree': object({ id: int, name: str, parent_id: maybe(int), position: int, deleted: bool, agents_count: int }),
  user_statuses: object({ id: int, name: str, color: str, wfm_id: maybe(int) }),
};

export function recordValidators(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return Object.fromEntries(Object.entries(RECORD_SHAPES).map(([stream, schema]) => [stream, ajv.compile(schema)]));
}
