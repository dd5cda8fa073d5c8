import { DomainError, errorFactory } from '../../common/domain-error';
import { CLIENT_EVENT_TYPES } from './machine/call.machine';

// The lifecycle's errors: refusals by the machine (the call's status does
// not take the event), and events whose fields are malformed or name what
// does not exist. Messages of the contract (shared spec lifecycle.md), byte
// for byte.
export const LifecycleMessages = {
  notAllowed: (type: string, status: string) => `Cannot ${type} a call in status '${status}'`,
  agentNotAvailable: 'Agent is not available to take this call',
  typeRequired: 'type is required',
  typeUnknown: (type: string) => `type must be one of ${CLIENT_EVENT_TYPES.join(', ')} (got '${type}')`,
  engineOnly: (type: string) => `'${type}' is sent by Switchboard itself and is not accepted from clients`,
  eventIdInvalid: 'event_id must be a string of 1 to 255 characters',
  required: (field: string) => `${field} is required`,
  oneOf: (field: string, values: readonly string[]) => `${field} must be one of ${values.join(', ')}`,
  notWellFormed: (field: string) => `${field} is not well formed`,
  agentNotFound: (field: string) => `${field} is not a valid agent email`,
  menuNotFound: (id: string, field = 'menu_id') => `${field} ${id} is not found`,
  transferTarget: 'transfer needs exactly one of to_agent_email and to_menu_id',
  onlyScheduledAtChanges: (field: string) => `${field} cannot be changed: only scheduled_at can`,
} as const;

export enum LifecycleErrorCode {
  notAllowed = 'event_not_allowed',
  agentNotAvailable = 'agent_not_available',
  typeRequired = 'event_type_required',
  typeUnknown = 'event_type_unknown',
  engineOnly = 'event_engine_only',
  eventIdInvalid = 'event_id_invalid',
  required = 'event_field_required',
  oneOf = 'event_field_not_one_of',
  notWellFormed = 'event_field_not_well_formed',
  agentNotFound = 'agent_not_found',
  menuNotFound = 'menu_not_found',
  transferTarget = 'transfer_target',
  onlyScheduledAtChanges = 'only_scheduled_at_changes',
}

export class LifecycleError extends DomainError<LifecycleErrorCode> {}

export const lifecycleError = errorFactory(LifecycleError, LifecycleErrorCode, LifecycleMessages);
