import { NO_FAULTS, SimulatorRule, ruleFor } from './simulator-rule';
import { deliveriesFor, scriptFor } from './simulator-script';

const OPTIONS = { defaultHangupAfterMs: 10_000, mediaTimeoutMs: 10_000 };

const rule = (over: Partial<SimulatorRule>): SimulatorRule => ({
  id: '1',
  provider_id: '1',
  number: null,
  prefix: '+1',
  outcome: 'answer',
  ring_ms: 500,
  dtmf: [],
  hangup_after_ms: null,
  faults: NO_FAULTS,
  created_at: new Date(0),
  ...over,
});

const kinds = (r: SimulatorRule | null) => deliveriesFor(scriptFor(r, OPTIONS), r, OPTIONS).map((d) => `${d.seq}:${d.step.kind}@${d.at}`);

describe('simulator scripts', () => {
  it('without a rule: rings, answers after 500 ms, hangs up after the default', () => {
    expect(kinds(null)).toEqual(['1:ringing@0', '2:answered@500', '3:ended@10500']);
  });

  it('each outcome', () => {
    expect(kinds(rule({ outcome: 'busy', ring_ms: 100 }))).toEqual(['1:ringing@0', '2:ended@100']);
    expect(kinds(rule({ outcome: 'no_answer' }))).toEqual(['1:ringing@0']);
    expect(kinds(rule({ outcome: 'wrong_number', ring_ms: 5 }))).toEqual(['1:ended@5']);
    const failures = ['provider_error', 'no_response'] as const;
    for (const outcome of failures) expect(scriptFor(rule({ outcome }), OPTIONS)).toEqual([expect.objectContaining({ kind: 'ended', cause: outcome })]);
  });

  it('key presses while answered, one digit every 100 ms, none after the hang-up', () => {
    const r = rule({ ring_ms: 100, hangup_after_ms: 1000, dtmf: [{ after_ms: 850, digits: '123' }] });
    expect(kinds(r)).toEqual(['1:ringing@0', '2:answered@100', '3:dtmf@950', '4:dtmf@1050', '5:ended@1100']);
  });

  it('faults: duplicates, swapped neighbours, a lost final event (an answered leg then times out)', () => {
    expect(kinds(rule({ outcome: 'busy', ring_ms: 10, faults: { ...NO_FAULTS, duplicate_events: true } }))).toEqual(['1:ringing@0', '1:ringing@0', '2:ended@10', '2:ended@10']);
    expect(kinds(rule({ ring_ms: 10, hangup_after_ms: 20, faults: { ...NO_FAULTS, reorder_events: true } }))).toEqual(['2:answered@10', '1:ringing@10', '3:ended@30']);
    expect(kinds(rule({ ring_ms: 10, hangup_after_ms: 20, faults: { ...NO_FAULTS, drop_final_event: true } }))).toEqual(['1:ringing@0', '2:answered@10', '4:ended@10030']);
    expect(kinds(rule({ outcome: 'busy', faults: { ...NO_FAULTS, drop_final_event: true } }))).toEqual(['1:ringing@0']);
  });

  it('picks the rule for a number: an exact number, else the longest prefix, else the newest', () => {
    const rules = [rule({ id: '1', prefix: '+1' }), rule({ id: '2', prefix: '+1859' }), rule({ id: '3', prefix: '+1859' }), rule({ id: '4', prefix: null, number: '+18596579625' })];
    expect(ruleFor(rules, '+18596579625')?.id).toBe('4');
    expect(ruleFor(rules, '+18596570000')?.id).toBe('3');
    expect(ruleFor(rules, '+12025550143')?.id).toBe('1');
    expect(ruleFor(rules, '+442071234567')).toBeNull();
  });
});
