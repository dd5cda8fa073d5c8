// Reads the bodies of POST and PATCH /voice_providers into columns. Every
// configuration error is a 400 naming the field; an invalid SIP URI is
// refused here, at configuration, not when a call is dialed.
import { VOICE_PROVIDER_KINDS, VoiceProviderColumns, VoiceProviderRow } from './voice-provider';
import { voiceProviderError } from './voice-provider-errors';

export function parseVoiceProvider(body: unknown, existing: VoiceProviderRow | null): VoiceProviderColumns {
  if (!isObject(body)) throw voiceProviderError('bodyNotObject');
  const creating = existing === null;
  const columns: VoiceProviderColumns = {};
  if (creating || body.kind !== undefined) columns.kind = oneOf(body.kind, 'kind', VOICE_PROVIDER_KINDS);
  // A provider created without a name is named after its kind.
  if (body.name !== undefined) columns.name = text(body.name, 'name', 200);
  else if (creating) columns.name = columns.kind;
  if (body.priority !== undefined) columns.priority = wholeNumber(body.priority, 'priority', 0, 1_000_000);
  if (body.calls_per_second !== undefined) columns.calls_per_second = wholeNumber(body.calls_per_second, 'calls_per_second', 1, 1000);
  if (body.max_concurrent_calls !== undefined) columns.max_concurrent_calls = wholeNumber(body.max_concurrent_calls, 'max_concurrent_calls', 1, 100_000);
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') throw voiceProviderError('notBoolean', 'enabled');
    columns.enabled = body.enabled;
  }
  const kind = columns.kind ?? existing!.kind;
  if (kind === 'simulator') {
    if (body.sip !== undefined && body.sip !== null) throw voiceProviderError('sipNotForSimulator');
    Object.assign(columns, { sip_uri: null, sip_username: null, sip_password: null, sip_from_user: null });
    return columns;
  }
  if (body.sip !== undefined && body.sip !== null) {
    if (!isObject(body.sip)) throw voiceProviderError('notWellFormed', 'sip');
    const sip = body.sip;
    if (sip.uri !== undefined) columns.sip_uri = sipUri(sip.uri);
    if (sip.username !== undefined) columns.sip_username = optionalText(sip.username, 'sip.username', 200);
    if (sip.password !== undefined) columns.sip_password = optionalText(sip.password, 'sip.password', 500);
    if (sip.from_user !== undefined) columns.sip_from_user = optionalText(sip.from_user, 'sip.from_user', 200);
  }
  if ((columns.sip_uri ?? existing?.sip_uri ?? null) === null) throw voiceProviderError('sipRequired');
  return columns;
}

// sip: or sips:, an optional user part, a host (name, IPv4 or [IPv6]), an
// optional port, optional ;parameters.
const SIP_URI = /^sips?:(?:[^@\s;]+@)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?(?:;[^\s;=]+(?:=[^\s;]*)?)*$/;

export function isSipUri(value: string): boolean {
  const m = SIP_URI.exec(value);
  if (!m || value.length > 500) return false;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return false;
  const host = m[1];
  if (/^\d+(\.\d+){3}$/.test(host) && host.split('.').some((octet) => Number(octet) > 255)) return false;
  if (/^\d+(\.\d+)*$/.test(host) && !/^\d+(\.\d+){3}$/.test(host)) return false; // all digits, not an address
  return true;
}

function sipUri(value: unknown): string {
  if (value === null || value === '') throw voiceProviderError('required', 'sip.uri');
  if (typeof value !== 'string') throw voiceProviderError('notWellFormed', 'sip.uri');
  const uri = value.trim();
  if (!isSipUri(uri)) throw voiceProviderError('sipUriInvalid', uri);
  return uri;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null || value === '') throw voiceProviderError('required', field);
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw voiceProviderError('notWellFormed', field);
  return value.trim();
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max) throw voiceProviderError('notWellFormed', field);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (value === undefined || value === null || value === '') throw voiceProviderError('required', field);
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) throw voiceProviderError('oneOf', field, values);
  return value as T;
}

export function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw voiceProviderError('wholeNumberBetween', field, min, max);
  return value;
}
