import type { VoiceProviderRow } from './voice-provider';

// The password is write-only: never answered, only whether one is set.
export function presentVoiceProvider(row: VoiceProviderRow) {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    priority: row.priority,
    sip: row.kind === 'sip' ? { uri: row.sip_uri, username: row.sip_username, from_user: row.sip_from_user, password_set: row.sip_password !== null } : null,
    calls_per_second: row.calls_per_second,
    max_concurrent_calls: row.max_concurrent_calls,
    enabled: row.enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
