import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options';
import { migrateUnderLock } from './migrate';

// Applies pending migrations through short-lived connections of its own:
// one holds the advisory lock, the other runs the migrations.
export async function migrateDatabase(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...databaseOptions(url, { poolSize: 2, applicationName: 'switchboard-migrate' }) });
  await dataSource.initialize();
  try {
    return await migrateUnderLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
