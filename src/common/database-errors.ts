// PostgreSQL's SQLSTATE for a unique-constraint violation.
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

// The constraint a failed statement violated, whether the error came from pg
// directly or wrapped by TypeORM (while some callers still go through it).
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return e?.constraint ?? e?.driverError?.constraint;
}
