import { LegEndCause } from '../voice-provider.port';

export interface LegEnd {
  cause: LegEndCause;
  sipCode: number | null;
  reason: string;
}

// What baresip's CALL_CLOSED `param` says about how a leg ended, as the
// spec's outcome table reads it. `param` is either a SIP final response
// ("486 Busy Here") or a transport/media reason ("Connection reset by peer").
// `answered`: the leg had been answered; `hungUpByUs`: we sent BYE/CANCEL;
// `ringTimedOut`: the leg's ring timeout had passed when we cancelled it.
export function legEndFromClosed(param: string, leg: { answered: boolean; hungUpByUs: boolean; ringTimedOut: boolean }): LegEnd {
  const reason = param.trim() || 'closed';
  const status = /^([1-6]\d\d)\b/.exec(reason);
  if (status) {
    const code = Number(status[1]);
    return { cause: causeOfStatus(code), sipCode: code, reason };
  }
  const text = reason.toLowerCase();
  if (text.includes('connection reset by user')) return { cause: !leg.answered && leg.ringTimedOut ? 'no_answer' : 'local_hangup', sipCode: null, reason };
  if (leg.hungUpByUs) return { cause: !leg.answered && leg.ringTimedOut ? 'no_answer' : 'local_hangup', sipCode: null, reason };
  // The prompt or silence file ran out and baresip hung up itself.
  if (text === 'end of file') return { cause: 'local_hangup', sipCode: null, reason: 'the user agent hung up at the end of an audio file' };
  if (text.includes('connection reset by peer')) return { cause: leg.answered ? 'remote_hangup' : 'provider_error', sipCode: null, reason };
  if (text.includes('rtp stream error') || text.includes('rtp timeout')) return { cause: 'media_timeout', sipCode: null, reason };
  if (text.includes('timed out')) return { cause: leg.answered ? 'media_timeout' : 'no_response', sipCode: null, reason };
  // Connection refused, host unreachable, DNS failures: the trunk could not
  // carry it.
  return { cause: leg.answered ? 'remote_hangup' : 'provider_error', sipCode: null, reason };
}

export function causeOfStatus(code: number): LegEndCause {
  if (code === 486 || code === 600) return 'busy';
  if (code === 404 || code === 484 || code === 604) return 'wrong_number';
  // 487 Request Terminated answers our own CANCEL.
  if (code === 487) return 'local_hangup';
  return 'provider_error'; // 408, 480, 5xx, 403/407 (auth), anything else final
}
