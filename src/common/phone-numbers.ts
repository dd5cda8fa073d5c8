import { parsePhoneNumberFromString } from 'libphonenumber-js';

// "Well formed", as the contract defines it: an international number (a
// leading +) that libphonenumber-js parses and finds *possible* for its
// country. Spaces, hyphens, dots and brackets are allowed. Answers its E.164
// form, or null.
export function toE164(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  const text = input.trim();
  if (!/^\+[\d\s().-]+$/.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}
