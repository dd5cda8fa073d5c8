import { DomainError, errorFactory } from '../../common/domain-error';

// Voice providers and simulator rules of the Manager API (shared spec
// telephony.md): configuration errors are 400s naming the field, unknown ids 404.
export const VoiceProviderMessages = {
  notFound: (id: string) => `Voice provider ${id} is not found`,
  ruleNotFound: (id: string) => `Simulator rule ${id} is not found`,
  bodyNotObject: 'The body must be a JSON object',
  required: (field: string) => `${field} is required`,
  notWellFormed: (field: string) => `${field} is not well formed`,
  oneOf: (field: string, values: readonly string[]) => `${field} must be one of ${values.join(', ')}`,
  wholeNumberBetween: (field: string, min: number, max: number) => `${field} must be a whole number from ${min} to ${max}`,
  notBoolean: (field: string) => `${field} must be a boolean`,
  sipUriInvalid: (uri: string) => `sip.uri '${uri}' is not a valid SIP URI (sip:host[:port] or sips:…)`,
  sipRequired: 'sip.uri is required for a provider of kind sip',
  sipNotForSimulator: 'sip settings are only for a provider of kind sip',
  numberOrPrefix: 'a simulator rule needs exactly one of number and prefix',
  notSimulator: (id: string) => `Voice provider ${id} is not a simulator: only simulators have rules`,
} as const;

export enum VoiceProviderErrorCode {
  notFound = 'voice_provider_not_found',
  ruleNotFound = 'simulator_rule_not_found',
  bodyNotObject = 'voice_provider_body_not_object',
  required = 'voice_provider_field_required',
  notWellFormed = 'voice_provider_field_not_well_formed',
  oneOf = 'voice_provider_field_not_one_of',
  wholeNumberBetween = 'voice_provider_field_out_of_range',
  notBoolean = 'voice_provider_field_not_boolean',
  sipUriInvalid = 'voice_provider_sip_uri_invalid',
  sipRequired = 'voice_provider_sip_required',
  sipNotForSimulator = 'voice_provider_sip_not_for_simulator',
  numberOrPrefix = 'simulator_rule_number_or_prefix',
  notSimulator = 'voice_provider_not_simulator',
}

export class VoiceProviderError extends DomainError<VoiceProviderErrorCode> {}

export const voiceProviderError = errorFactory(VoiceProviderError, VoiceProviderErrorCode, VoiceProviderMessages);
