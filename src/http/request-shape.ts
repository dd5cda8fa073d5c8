// What every request body, query and path must be before any route reads
// it, checked once at the door (app.ts's preValidation hook) so that no
// validator, JSON tool or database sees it otherwise:
// - no NUL (PostgreSQL text cannot hold it);
// - no lone UTF-16 surrogate (PostgreSQL's json refuses it, and what would
//   be stored is not what was sent): refused, not repaired;
// - nested at most MAX_DEPTH levels (validators and size checks recurse:
//   a body 1,500 levels deep overflowed their stacks).
// The walk is iterative, so a body of any depth is measured safely.
export const MAX_DEPTH = 32;

export type ShapeProblem = 'nul' | 'lone_surrogate' | 'too_deep';

export const SHAPE_MESSAGES: Record<ShapeProblem, string> = {
  nul: 'Text must not contain NUL (\\u0000) characters',
  lone_surrogate: 'Text must be valid Unicode: it contains a lone UTF-16 surrogate',
  too_deep: `JSON must not be nested deeper than ${MAX_DEPTH} levels`,
};

export const SHAPE_CODES: Record<ShapeProblem, string> = {
  nul: 'text_contains_nul',
  lone_surrogate: 'text_lone_surrogate',
  too_deep: 'json_too_deep',
};

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): ShapeProblem | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return null;
}

export function shapeProblem(value: unknown): ShapeProblem | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) return problem;
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_DEPTH) return 'too_deep';
    if (Array.isArray(item)) {
      for (const element of item) stack.push([element, depth + 1]);
      continue;
    }
    for (const key of Object.keys(item)) {
      const problem = textProblem(key);
      if (problem) return problem;
      stack.push([(item as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}
