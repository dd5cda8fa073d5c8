import { DataSource } from 'typeorm';

// Any fixed number: every Switchboard instance takes this advisory lock
// before migrating, so instances starting together migrate once.
const MIGRATION_LOCK_KEY = 741_852_963;

// Applies pending migrations, one instance at a time. The lock is a session
// lock on a dedicated connection: it is released when the work ends or the
// connection dies with a killed process.
export async function migrateUnderLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
