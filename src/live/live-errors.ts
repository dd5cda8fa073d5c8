import { DomainError, errorFactory } from '../common/domain-error';

// The live stream's and the polling list's errors (shared spec
// events-api.md, "The live stream"): malformed filters and cursors, and a
// cursor the list can no longer resume from.
export const LiveMessages = {
  parameterOnce: (name: string) => `${name} must be given once`,
  callIdNotWellFormed: 'call_id must be a positive whole number',
  agentEmailNotWellFormed: 'agent_email must be a non-empty string',
  agentNotFound: (email: string) => `agent_email ${email} is not an agent of this company`,
  typeUnknown: (type: string, known: readonly string[]) => `types: '${type}' is not an event type (one of ${known.join(', ')})`,
  eventIdNotWellFormed: (name: string) => `${name} must be an event id (evt_ and 40 digits)`,
  limitOutOfRange: (max: number) => `limit must be a whole number from 1 to ${max}`,
  eventNotFound: (id: string) => `Event ${id} is not found`,
  pastRetention: (id: string, hours: number) =>
    `Events after ${id} are no longer kept (retention: ${hours} h): read again without after to start from the oldest event kept`,
} as const;

export enum LiveErrorCode {
  parameterOnce = 'live_parameter_once',
  callIdNotWellFormed = 'live_call_id_not_well_formed',
  agentEmailNotWellFormed = 'live_agent_email_not_well_formed',
  agentNotFound = 'live_agent_not_found',
  typeUnknown = 'live_type_unknown',
  eventIdNotWellFormed = 'live_event_id_not_well_formed',
  limitOutOfRange = 'live_limit_out_of_range',
  eventNotFound = 'live_event_not_found',
  pastRetention = 'live_past_retention',
}

export class LiveError extends DomainError<LiveErrorCode> {}

export const liveError = errorFactory(LiveError, LiveErrorCode, LiveMessages);

// What the stream says (not errors: the stream goes on).
export const ResetMessages = {
  pastRetention: (hours: number) => `Events after the given id are no longer kept (retention: ${hours} h) or the id is unknown: some may have been missed. Continuing live.`,
} as const;
