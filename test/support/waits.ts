import type { Queryable } from '../../src/database/database';

// Polls `check` (every 5 ms, up to 10 s or `timeoutMs`) until it holds.
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// Connections of the test database waiting for a lock.
export async function lockWaits(db: Queryable): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return row.n;
}
