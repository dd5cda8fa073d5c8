// What the simulator does with one leg, as a script of timed events: pure
// and deterministic (shared spec telephony.md, "The simulator provider").
// Faults change only the delivery: each event twice, neighbours swapped,
// or the final event lost (then, for an answered leg, the media stops and
// the leg ends as a media timeout, as a real trunk's would).
import type { LegEndCause } from '../voice-provider.port';
import { NO_FAULTS, SimulatorRule } from './simulator-rule';

export type ScriptStep =
  | { at: number; kind: 'ringing'; sipCode: number }
  | { at: number; kind: 'answered' }
  | { at: number; kind: 'dtmf'; digit: string }
  | { at: number; kind: 'ended'; cause: LegEndCause; sipCode: number | null; reason: string };

export interface ScriptOptions {
  defaultHangupAfterMs: number;
  mediaTimeoutMs: number;
}

// The events a leg goes through, in order, with their times (ms after the dial).
export function scriptFor(rule: SimulatorRule | null, options: ScriptOptions): ScriptStep[] {
  const ring = rule?.ring_ms ?? 500;
  const steps: ScriptStep[] = [];
  switch (rule?.outcome ?? 'answer') {
    case 'answer': {
      const hangupAt = ring + (rule?.hangup_after_ms ?? options.defaultHangupAfterMs);
      steps.push({ at: 0, kind: 'ringing', sipCode: 180 }, { at: ring, kind: 'answered' });
      for (const press of rule?.dtmf ?? []) {
        [...press.digits].forEach((digit, i) => {
          const at = ring + press.after_ms + i * 100;
          if (at < hangupAt) steps.push({ at, kind: 'dtmf', digit });
        });
      }
      steps.sort((a, b) => a.at - b.at);
      steps.push({ at: hangupAt, kind: 'ended', cause: 'remote_hangup', sipCode: null, reason: 'BYE from the end user' });
      break;
    }
    case 'busy':
      steps.push({ at: 0, kind: 'ringing', sipCode: 180 }, { at: ring, kind: 'ended', cause: 'busy', sipCode: 486, reason: 'Busy Here' });
      break;
    case 'no_answer':
      // Rings until the engine's ring timer cancels it.
      steps.push({ at: 0, kind: 'ringing', sipCode: 180 });
      break;
    case 'wrong_number':
      steps.push({ at: ring, kind: 'ended', cause: 'wrong_number', sipCode: 404, reason: 'Not Found' });
      break;
    case 'provider_error':
      steps.push({ at: ring, kind: 'ended', cause: 'provider_error', sipCode: 503, reason: 'Service Unavailable' });
      break;
    case 'no_response':
      steps.push({ at: ring, kind: 'ended', cause: 'no_response', sipCode: null, reason: 'no response from the trunk (SIP transaction timeout)' });
      break;
  }
  return steps;
}

// One delivery of an event: its seq (order observed) and when it is handed over.
export interface Delivery {
  at: number;
  seq: number;
  step: ScriptStep;
}

// How the steps are delivered under the rule's faults.
export function deliveriesFor(steps: ScriptStep[], rule: SimulatorRule | null, options: ScriptOptions): Delivery[] {
  const faults = { ...NO_FAULTS, ...rule?.faults };
  let deliveries: Delivery[] = steps.map((step, i) => ({ at: step.at, seq: i + 1, step }));
  const last = steps[steps.length - 1];
  if (faults.drop_final_event && last?.kind === 'ended') {
    deliveries = deliveries.slice(0, -1);
    const answered = steps.some((s) => s.kind === 'answered');
    if (answered) {
      // The BYE is lost; the media stops with it and the user agent notices.
      const at = last.at + options.mediaTimeoutMs;
      deliveries.push({ at, seq: steps.length + 1, step: { at, kind: 'ended', cause: 'media_timeout', sipCode: null, reason: 'no RTP (media timeout)' } });
    }
  }
  if (faults.reorder_events) {
    // Neighbours swapped: the later one is delivered first, the earlier right after it.
    const swapped: Delivery[] = [];
    for (let i = 0; i < deliveries.length; i += 2) {
      const [a, b] = [deliveries[i], deliveries[i + 1]];
      if (b) swapped.push({ ...b }, { ...a, at: b.at });
      else swapped.push(a);
    }
    deliveries = swapped;
  }
  if (faults.duplicate_events) deliveries = deliveries.flatMap((d) => [d, { ...d }]);
  return deliveries;
}
