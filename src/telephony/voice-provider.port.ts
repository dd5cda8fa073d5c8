// The engine's port to whatever carries the end user's leg of a call: a SIP
// trunk through the instance's SIP user agent, or the in-process simulator.
// Adapters place and control legs and report what happens to them as
// ProviderEvents; the telephony service turns those into lifecycle events
// (ApplyCallEvent, source 'provider', dedupe key = provider call id + seq).

export type VoiceProviderKind = 'sip' | 'simulator';

// What an adapter needs of a provider's configuration row.
export interface ProviderTarget {
  providerId: string;
  kind: VoiceProviderKind;
  // kind 'sip': the trunk, e.g. sip:trunk.example.net:5060
  sip?: { uri: string; username: string | null; password: string | null; fromUser: string | null };
}

export interface DialRequest {
  // The engine's id of this leg, unique across instances and attempts
  // (e.g. `${callId}-${attempt}`); every event of the leg carries it.
  legId: string;
  companyId: string;
  callId: string;
  // E.164 number of the end user, and the caller id to present (or null).
  to: string;
  from: string | null;
  provider: ProviderTarget;
  // The engine cancels the leg itself when it is not answered within this.
  ringTimeoutMs: number;
}

// Why a leg ended.
export type LegEndCause =
  | 'busy' // 486, 600
  | 'no_answer' // not answered in time (cancelled by the engine or refused by the callee's timer)
  | 'wrong_number' // 404, 484, 604
  | 'provider_error' // 408, 480, 5xx, connection refused, unusable configuration
  | 'no_response' // nothing answered at all (SIP transaction timeout)
  | 'remote_hangup' // BYE from the far end after answer
  | 'local_hangup' // we hung up or cancelled
  | 'media_timeout' // no RTP for too long
  | 'agent_lost'; // the user agent carrying the leg died or was restarted

interface LegEventBase {
  legId: string;
  // The provider's own id of the call (SIP Call-ID, or the simulator's id).
  providerCallId: string;
  // Per-leg sequence, from 1, in the order the adapter observed the events;
  // duplicates repeat a seq, reordered deliveries may arrive out of order.
  seq: number;
  at: Date;
}

export type ProviderEvent =
  | (LegEventBase & { kind: 'ringing'; sipCode: number | null })
  | (LegEventBase & { kind: 'answered' })
  | (LegEventBase & { kind: 'dtmf'; digit: string })
  | (LegEventBase & { kind: 'prompt_ended'; promptId: string })
  | (LegEventBase & { kind: 'ended'; cause: LegEndCause; sipCode: number | null; reason: string });

export interface VoiceProviderAdapter {
  readonly kind: VoiceProviderKind;
  // Whether it can carry calls on this instance now, and why not.
  availability(): { available: true } | { available: false; reason: string };
  // Starts the leg; answers once it is on its way (events follow). A leg that
  // cannot even start rejects with an Error whose message says why; the
  // engine treats that as provider_error.
  dial(request: DialRequest): Promise<void>;
  // Hangs up an answered leg or cancels a ringing one; a leg unknown here is a no-op.
  hangup(legId: string): Promise<void>;
  // Plays an 8 kHz mono 16-bit WAV on the leg; `prompt_ended` follows when it ends.
  play(legId: string, promptId: string, wavPath: string): Promise<void>;
  stopPlaying(legId: string): Promise<void>;
  sendDtmf(legId: string, digits: string): Promise<void>;
  // Every event of every leg this adapter carries; answers an unsubscribe.
  onEvent(listener: (event: ProviderEvent) => void): () => void;
}
