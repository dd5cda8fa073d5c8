// Reads the body of POST /voice_providers/:id/simulator_rules.
import { toE164 } from '../../common/phone-numbers';
import { voiceProviderError } from '../voice-providers/voice-provider-errors';
import { isObject, oneOf, wholeNumber } from '../voice-providers/voice-provider.request';
import { SIMULATOR_OUTCOMES, SimulatorFaults, SimulatorOutcome } from './simulator-rule';

export interface SimulatorRuleColumns {
  number: string | null;
  prefix: string | null;
  outcome: SimulatorOutcome;
  ring_ms: number;
  dtmf: Array<{ after_ms: number; digits: string }>;
  hangup_after_ms: number | null;
  faults: SimulatorFaults;
}

const FAULTS = ['duplicate_events', 'reorder_events', 'drop_final_event'] as const;

export function parseSimulatorRule(body: unknown): SimulatorRuleColumns {
  if (!isObject(body)) throw voiceProviderError('bodyNotObject');
  const hasNumber = body.number !== undefined && body.number !== null;
  const hasPrefix = body.prefix !== undefined && body.prefix !== null;
  if (hasNumber === hasPrefix) throw voiceProviderError('numberOrPrefix');
  let number: string | null = null;
  let prefix: string | null = null;
  if (hasNumber) {
    number = toE164(body.number);
    if (number === null) throw voiceProviderError('notWellFormed', 'number');
  } else {
    if (typeof body.prefix !== 'string' || !/^\+\d{1,15}$/.test(body.prefix)) throw voiceProviderError('notWellFormed', 'prefix');
    prefix = body.prefix;
  }
  // Without an outcome the number answers, as with no rule at all.
  const outcome = body.outcome === undefined ? 'answer' : oneOf(body.outcome, 'outcome', SIMULATOR_OUTCOMES);
  const ring_ms = body.ring_ms === undefined ? 500 : wholeNumber(body.ring_ms, 'ring_ms', 0, 600_000);
  const hangup_after_ms = body.hangup_after_ms === undefined || body.hangup_after_ms === null ? null : wholeNumber(body.hangup_after_ms, 'hangup_after_ms', 0, 86_400_000);
  const dtmf: SimulatorRuleColumns['dtmf'] = [];
  if (body.dtmf !== undefined && body.dtmf !== null) {
    if (!Array.isArray(body.dtmf) || body.dtmf.length > 50) throw voiceProviderError('notWellFormed', 'dtmf');
    for (const [i, entry] of body.dtmf.entries()) {
      if (!isObject(entry)) throw voiceProviderError('notWellFormed', `dtmf[${i}]`);
      const after_ms = wholeNumber(entry.after_ms, `dtmf[${i}].after_ms`, 0, 86_400_000);
      if (typeof entry.digits !== 'string' || !/^[0-9*#A-D]{1,32}$/.test(entry.digits)) throw voiceProviderError('notWellFormed', `dtmf[${i}].digits`);
      dtmf.push({ after_ms, digits: entry.digits });
    }
  }
  const faults: SimulatorFaults = { duplicate_events: false, reorder_events: false, drop_final_event: false };
  if (body.faults !== undefined && body.faults !== null) {
    if (!isObject(body.faults)) throw voiceProviderError('notWellFormed', 'faults');
    for (const fault of FAULTS) {
      const value = body.faults[fault];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'boolean') throw voiceProviderError('notBoolean', `faults.${fault}`);
      faults[fault] = value;
    }
  }
  return { number, prefix, outcome, ring_ms, dtmf, hangup_after_ms, faults };
}
