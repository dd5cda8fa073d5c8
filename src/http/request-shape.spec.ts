import { MAX_DEPTH, shapeProblem } from './request-shape';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('the shape every request must have', () => {
  it('takes ordinary bodies, queries and paths', () => {
    expect(shapeProblem({ call_type: 'Voice Outbound (API)', menu_id: 2, tags: ['a', 'b'], nested: { ok: true, n: null } })).toBeNull();
    expect(shapeProblem({ emoji: '😀 ok', accents: 'é e\u0301', cjk: '通话状态' })).toBeNull();
    expect(shapeProblem(undefined)).toBeNull();
    expect(shapeProblem(nested(MAX_DEPTH))).toBeNull();
  });

  it('refuses NUL and lone surrogates in values and keys', () => {
    expect(shapeProblem({ email: 'a\u0000b@example.com' })).toBe('nul');
    expect(shapeProblem({ ['k\u0000']: 1 })).toBe('nul');
    expect(shapeProblem({ group: '\ud800' })).toBe('lone_surrogate');
    expect(shapeProblem({ fail_details: 'x\udfff' })).toBe('lone_surrogate');
    expect(shapeProblem({ list: ['ok', 'a\ud83d'] })).toBe('lone_surrogate');
    expect(shapeProblem({ ['\udc00key']: 'v' })).toBe('lone_surrogate');
    expect(shapeProblem({ pair: '\ud83d\ude00' })).toBeNull();
  });

  it('refuses nesting deeper than the limit, however deep, without recursing', () => {
    expect(shapeProblem(nested(MAX_DEPTH + 1))).toBe('too_deep');
    expect(shapeProblem({ unknown_field: nested(1_500) })).toBe('too_deep');
    expect(shapeProblem(nested(100_000))).toBe('too_deep');
  });
});
