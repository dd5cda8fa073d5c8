// The adapters this instance carries legs with, one per provider kind. The
// telephony module hands the registry every adapter it provides under
// VOICE_ADAPTERS (telephony.module.ts); an adapter may also be registered
// later with `register`. A kind without an adapter, or whose adapter says it
// is unavailable, cannot carry calls here: its legs fail over (or fail) with
// fail_details saying why, never hang.
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { VoiceProviderAdapter, VoiceProviderKind } from './voice-provider.port';

export const VOICE_ADAPTERS = Symbol('VOICE_ADAPTERS');

export type AdapterLookup = { adapter: VoiceProviderAdapter } | { adapter: null; reason: string };

@Injectable()
export class VoiceAdapters {
  private readonly byKind = new Map<VoiceProviderKind, VoiceProviderAdapter>();
  private readonly listeners = new Set<(adapter: VoiceProviderAdapter) => void>();

  constructor(@Optional() @Inject(VOICE_ADAPTERS) adapters: VoiceProviderAdapter[] | null) {
    for (const adapter of adapters ?? []) this.register(adapter);
  }

  register(adapter: VoiceProviderAdapter): void {
    this.byKind.set(adapter.kind, adapter);
    for (const listener of this.listeners) listener(adapter);
  }

  all(): VoiceProviderAdapter[] {
    return [...this.byKind.values()];
  }

  // Every adapter, now and registered later.
  each(listener: (adapter: VoiceProviderAdapter) => void): void {
    this.listeners.add(listener);
    for (const adapter of this.byKind.values()) listener(adapter);
  }

  find(kind: VoiceProviderKind): AdapterLookup {
    const adapter = this.byKind.get(kind);
    if (!adapter) {
      return { adapter: null, reason: kind === 'sip' ? 'SIP is off on this instance: no SIP user agent is running here' : `no ${kind} adapter on this instance` };
    }
    const availability = adapter.availability();
    if (!availability.available) return { adapter: null, reason: kind === 'sip' ? `SIP is off on this instance: ${availability.reason}` : availability.reason };
    return { adapter };
  }
}
