import type { CompanyTable } from '../../database/company-rows';
import type { VoiceProviderKind } from '../voice-provider.port';

export const VOICE_PROVIDER_KINDS = ['sip', 'simulator'] as const satisfies readonly VoiceProviderKind[];

export interface VoiceProviderRow {
  id: string;
  company_id: string;
  name: string;
  kind: VoiceProviderKind;
  priority: number;
  sip_uri: string | null;
  sip_username: string | null;
  sip_password: string | null;
  sip_from_user: string | null;
  calls_per_second: number;
  max_concurrent_calls: number;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

// The columns a request may set.
export type VoiceProviderColumns = Partial<Omit<VoiceProviderRow, 'id' | 'company_id' | 'created_at' | 'updated_at'>>;

export const VOICE_PROVIDERS: CompanyTable = {
  name: 'voice_providers',
  columns: 'id, company_id, name, kind, priority, sip_uri, sip_username, sip_password, sip_from_user, calls_per_second, max_concurrent_calls, enabled, created_at, updated_at',
};

// The call object's voip_provider for a provider's kind.
export const voipProviderOf = (kind: VoiceProviderKind) => `voip_provider_${kind}` as const;
