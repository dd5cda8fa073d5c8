// Ids in URLs: anything that is not a positive integer is simply not found,
// exactly as an id of another company.
export function parseId(value: string): string | null {
  return /^[1-9]\d{0,17}$/.test(value) ? value : null;
}
