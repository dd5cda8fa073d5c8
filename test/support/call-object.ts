// The call object as the contract lists it (calls-api.md, "The call
// object"), plus updated_at: every field always present, with its JSON type.
export const CALL_FIELDS = [
  'id', 'parent_id', 'lang', 'call_type', 'status', 'created_at', 'queued_at', 'assigned_at',
  'connected_at', 'ends_at', 'scheduled_at', 'wait_duration', 'call_duration',
  'hold_duration', 'rating', 'has_feedback', 'voip_provider', 'out_ticket_id',
  'out_ticket_url', 'verified', 'recording_url', 'recording_permission',
  'voicemail_reason', 'deflection', 'disconnected_by', 'fail_details', 'fail_reason',
  'support_number', 'selected_menu', 'menu_path', 'agent_info', 'end_user', 'photos', 'videos',
  'transfers', 'participants', 'offer_type', 'offer_events', 'answer_type',
  'outbound_number', 'deflection_details', 'updated_at',
];

// ISO 8601, UTC, milliseconds: 2019-06-07T01:27:30.406Z
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Kind = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'time' | 'int';
const TYPES: Record<string, Kind[]> = {
  id: ['int'], parent_id: ['int'], lang: ['string'], call_type: ['string'], status: ['string'],
  created_at: ['time'], queued_at: ['time'], assigned_at: ['time'], connected_at: ['time'], ends_at: ['time'], scheduled_at: ['time'],
  wait_duration: ['int'], call_duration: ['int'], hold_duration: ['int'], rating: ['number'], has_feedback: ['boolean'],
  voip_provider: ['string'], out_ticket_id: ['string'], out_ticket_url: ['string'], verified: ['boolean'], recording_url: ['string'],
  recording_permission: ['string'], voicemail_reason: ['string'], deflection: ['string'], disconnected_by: ['string'],
  fail_details: ['string'], fail_reason: ['string'], support_number: ['string'], selected_menu: ['object'], menu_path: ['object'],
  agent_info: ['object'], end_user: ['object'], photos: ['array'], videos: ['array'], transfers: ['array'], participants: ['array'],
  offer_type: ['string'], offer_events: ['array'], answer_type: ['string'], outbound_number: ['string'], deflection_details: ['array'],
  updated_at: ['time'],
};
// Fields that are never null.
const REQUIRED = new Set([
  'id', 'lang', 'call_type', 'status', 'created_at', 'wait_duration', 'call_duration', 'hold_duration', 'has_feedback',
  'voip_provider', 'verified', 'recording_permission', 'voicemail_reason', 'deflection', 'disconnected_by', 'fail_reason',
  'photos', 'videos', 'transfers', 'participants', 'offer_events', 'answer_type', 'deflection_details', 'updated_at',
]);

function kindOf(value: unknown): Kind[] {
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['number', 'int'] : ['number'];
  if (typeof value === 'string') return ISO_MS.test(value) ? ['string', 'time'] : ['string'];
  return [typeof value as Kind];
}

// The names of the fields whose presence or JSON type is wrong; [] when the
// object has exactly the contract's fields with the contract's types.
export function callShapeProblems(call: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(call).sort();
  for (const field of CALL_FIELDS) if (!keys.includes(field)) problems.push(`${field}: missing`);
  for (const key of keys) if (!CALL_FIELDS.includes(key)) problems.push(`${key}: not a call field`);
  for (const field of CALL_FIELDS) {
    const value = call[field];
    if (value === undefined) continue;
    if (value === null) {
      if (REQUIRED.has(field)) problems.push(`${field}: null`);
      continue;
    }
    if (!TYPES[field].some((k) => kindOf(value).includes(k))) problems.push(`${field}: ${JSON.stringify(value)} is not ${TYPES[field].join('|')}`);
  }
  const nested: Array<[string, unknown, string[]]> = [
    ['selected_menu', call.selected_menu, ['id', 'name', 'parent_id', 'position', 'deleted', 'hidden', 'menu_type', 'output_msg']],
    ['menu_path', call.menu_path, ['items_count', 'name', 'materialized_path']],
    ['agent_info', call.agent_info, ['id', 'name', 'last_name', 'first_name', 'agent_number', 'avatar_url']],
    ['end_user', call.end_user, ['id', 'identifier', 'out_contact_id']],
  ];
  for (const p of (call.participants as unknown[]) ?? []) {
    nested.push(['participants[]', p, ['id', 'type', 'status', 'call_id', 'user_id', 'end_user_id', 'call_duration', 'hold_duration', 'connected_at', 'ended_at', 'fail_reason']]);
  }
  for (const e of (call.offer_events as unknown[]) ?? []) nested.push(['offer_events[]', e, ['casting_time', 'group']]);
  for (const [name, value, fields] of nested) {
    if (value === null) continue;
    const got = Object.keys(value as object).sort();
    if (JSON.stringify(got) !== JSON.stringify([...fields].sort())) problems.push(`${name}: keys ${got.join(',')}`);
  }
  return problems;
}
