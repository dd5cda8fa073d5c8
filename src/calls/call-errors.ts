import { DomainError, errorFactory } from '../common/domain-error';

// The Calls API's errors: a code for each, and every message of the contract (shared spec calls-api.md), byte
// for byte — including the spelling differences between call types.
export const CallMessages = {
  invalidCallType: 'Invalid call type',

  agentEmailRequired: 'Agent email required',
  invalidAgentEmail: 'Not a valid agent email',
  agentCannotCall: 'Agent does not have access to make calls',
  agentNotAvailable: 'Agent is not available to take this call',
  ticketOrNumberRequired: 'ticket_id or end_user_number required',
  contactNotFound: 'Contact not found',
  outboundNumberNotWellFormed: 'end_user_number is not well-formed', // outbound: with a hyphen
  languageNotFound: (lang: string) => `Language '${lang}' is not found`,
  languageNotAvailable: (lang: string) => `Language '${lang}' is not available`,

  menuIdRequired: 'menu_id is required',
  menuIdNotWellFormed: 'menu_id is not well formed',
  menuNotFound: (id: string) => `menu_id ${id} is not found`,
  onlyIvrAndMobile: 'Only IVR and mobile menu IDs are permitted',
  onlyMobileAndWeb: 'Only mobile and web menu IDs are permitted',
  manualRedirection: "Menu is in 'manual redirection' state, can't accept calls",
  afterHours: "Menu is in 'after hours' state, can't accept incoming calls",
  endUserNumberRequired: 'end_user_number is required',
  endUserNumberNotWellFormed: 'end_user_number is not well formed', // inbound and scheduled: no hyphen

  parentNotFound: (id: string) => `Call ${id} is not found`,
  pendingCallback: (id: string) => `Call ${id} already has a pending callback`,
  scheduledAtRequired: 'scheduled_at is required',
  scheduledAtNotWellFormed: 'scheduled_at is not well formed',
  scheduledAtNotInFuture: 'scheduled_at must be in the future',

  // Not in the seed's tables: clear 400s for fields of the wrong shape.
  bodyNotObject: 'The request body must be a JSON object',
  ticketIdNotWellFormed: 'ticket_id must be a string or a number',
  langNotWellFormed: 'lang must be a string',
  outboundNumberFieldNotWellFormed: 'outbound_number must be a string',
  ringTimeoutNotWellFormed: 'ring_timeout_seconds must be a whole number from 1 to 600',
  recordingPermissionInvalid: 'recording_permission must be one of recording_permission_not_asked, recording_permission_granted, recording_permission_denied',
  callIdNotWellFormed: 'call_id is not well formed',
  contactHasNoPhoneNumber: 'Contact has no phone number: end_user_number required',

  callNotFound: (id: string) => `Call ${id} is not found`,

  pendingCallNotFound: (id: string) => `Pending call ${id} is not found`,
  choiceRequired: (field: string) => `${field} is required: choose one of the choices`,
  choiceNotAllowed: (field: string) => `${field} must be one of the choices`,

  idempotencyKeyInvalid: 'Idempotency-Key must be 1 to 255 printable characters',
  idempotencyKeyReused: 'Idempotency-Key was used with a different request',
  idempotencyKeyInProgress: 'A request with this Idempotency-Key is still being processed',

  customerFlagUnknownField: (field: string) => `${field} is not a customer flag (verified_customer, bad_actor, repeat_customer)`,
  customerFlagNotBoolean: (field: string) => `${field} must be a boolean`,

  pendingAgentEmailNotString: 'agent_email must be a string',

  // The Manager API's call list (GET /manager/api/v1/calls).
  listSortColumn: (columns: readonly string[]) => `sort_column must be one of ${columns.join(', ')}`,
  listSortDirection: 'sort_direction must be ASC or DESC',
  listStatus: (statuses: readonly string[]) => `status must be one of ${statuses.join(', ')}`,
  listCallType: (types: readonly string[]) => `call_type must be one of ${types.join(', ')}`,
  listParameterOnce: (name: string) => `${name} must be given once`,
  listDateTime: (name: string) => `${name} must be an ISO 8601 date-time`,
} as const;

// Stable codes (the `error` field of an error body, the vendor facades'
// mapping); one per message.
export enum CallErrorCode {
  invalidCallType = 'invalid_call_type',
  agentEmailRequired = 'agent_email_required',
  invalidAgentEmail = 'invalid_agent_email',
  agentCannotCall = 'agent_cannot_call',
  agentNotAvailable = 'agent_not_available',
  ticketOrNumberRequired = 'ticket_or_number_required',
  contactNotFound = 'contact_not_found',
  outboundNumberNotWellFormed = 'outbound_number_not_well_formed',
  languageNotFound = 'language_not_found',
  languageNotAvailable = 'language_not_available',
  menuIdRequired = 'menu_id_required',
  menuIdNotWellFormed = 'menu_id_not_well_formed',
  menuNotFound = 'menu_not_found',
  onlyIvrAndMobile = 'only_ivr_and_mobile',
  onlyMobileAndWeb = 'only_mobile_and_web',
  manualRedirection = 'manual_redirection',
  afterHours = 'after_hours',
  endUserNumberRequired = 'end_user_number_required',
  endUserNumberNotWellFormed = 'end_user_number_not_well_formed',
  parentNotFound = 'parent_not_found',
  pendingCallback = 'pending_callback',
  scheduledAtRequired = 'scheduled_at_required',
  scheduledAtNotWellFormed = 'scheduled_at_not_well_formed',
  scheduledAtNotInFuture = 'scheduled_at_not_in_future',
  bodyNotObject = 'body_not_object',
  ticketIdNotWellFormed = 'ticket_id_not_well_formed',
  langNotWellFormed = 'lang_not_well_formed',
  outboundNumberFieldNotWellFormed = 'outbound_number_field_not_well_formed',
  ringTimeoutNotWellFormed = 'ring_timeout_not_well_formed',
  recordingPermissionInvalid = 'recording_permission_invalid',
  callIdNotWellFormed = 'call_id_not_well_formed',
  contactHasNoPhoneNumber = 'contact_has_no_phone_number',
  callNotFound = 'call_not_found',
  pendingCallNotFound = 'pending_call_not_found',
  choiceRequired = 'choice_required',
  choiceNotAllowed = 'choice_not_allowed',
  idempotencyKeyInvalid = 'idempotency_key_invalid',
  idempotencyKeyReused = 'idempotency_key_reused',
  idempotencyKeyInProgress = 'idempotency_key_in_progress',
  customerFlagUnknownField = 'customer_flag_unknown_field',
  customerFlagNotBoolean = 'customer_flag_not_boolean',
  pendingAgentEmailNotString = 'pending_agent_email_not_string',
  listSortColumn = 'list_sort_column',
  listSortDirection = 'list_sort_direction',
  listStatus = 'list_status',
  listCallType = 'list_call_type',
  listParameterOnce = 'list_parameter_once',
  listDateTime = 'list_date_time',
}

export class CallError extends DomainError<CallErrorCode> {}

export const callError = errorFactory(CallError, CallErrorCode, CallMessages);
