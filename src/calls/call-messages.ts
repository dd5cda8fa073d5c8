// Every message of the Calls API contract (shared spec calls-api.md), byte
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
} as const;
