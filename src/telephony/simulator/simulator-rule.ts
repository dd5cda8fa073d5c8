// How the simulator treats a destination (shared spec telephony.md, "The
// simulator provider"). A rule names one number or a prefix.
export const SIMULATOR_OUTCOMES = ['answer', 'busy', 'no_answer', 'wrong_number', 'provider_error', 'no_response'] as const;
export type SimulatorOutcome = (typeof SIMULATOR_OUTCOMES)[number];

export interface SimulatorFaults {
  duplicate_events: boolean;
  reorder_events: boolean;
  drop_final_event: boolean;
}

export interface SimulatorRule {
  id: string;
  provider_id: string;
  number: string | null;
  prefix: string | null;
  outcome: SimulatorOutcome;
  ring_ms: number;
  dtmf: Array<{ after_ms: number; digits: string }>;
  hangup_after_ms: number | null;
  faults: SimulatorFaults;
  created_at: Date;
}

export const SIMULATOR_RULE_COLUMNS = 'id, provider_id, number, prefix, outcome, ring_ms, dtmf, hangup_after_ms, faults, created_at';

export const NO_FAULTS: SimulatorFaults = { duplicate_events: false, reorder_events: false, drop_final_event: false };

// The rule for a number: an exact number first, else the longest prefix;
// among equals, the newest. None: the default (answer after 500 ms).
export function ruleFor(rules: readonly SimulatorRule[], to: string): SimulatorRule | null {
  let best: SimulatorRule | null = null;
  const rank = (rule: SimulatorRule) => (rule.number !== null ? 1000 : rule.prefix!.length);
  for (const rule of rules) {
    const matches = rule.number !== null ? rule.number === to : to.startsWith(rule.prefix!);
    if (!matches) continue;
    if (!best || rank(rule) > rank(best) || (rank(rule) === rank(best) && Number(rule.id) > Number(best.id))) best = rule;
  }
  return best;
}

export function presentSimulatorRule(rule: SimulatorRule) {
  return {
    id: Number(rule.id),
    voice_provider_id: Number(rule.provider_id),
    number: rule.number,
    prefix: rule.prefix,
    outcome: rule.outcome,
    ring_ms: rule.ring_ms,
    dtmf: rule.dtmf,
    hangup_after_ms: rule.hangup_after_ms,
    faults: { ...NO_FAULTS, ...rule.faults },
    created_at: new Date(rule.created_at).toISOString(),
  };
}
