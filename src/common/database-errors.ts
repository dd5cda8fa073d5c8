// PostgreSQL's SQLSTATE for a unique-constraint violation.
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string; driverError?: { code?: string } })?.code === '23505' || (error as { driverError?: { code?: string } })?.driverError?.code === '23505';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23503' || (error as { driverError?: { code?: string } })?.driverError?.code === '23503';
}

// The constraint a failed statement violated, whether the error came from pg
// directly or wrapped by TypeORM.
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return e?.constraint ?? e?.driverError?.constraint;
}
