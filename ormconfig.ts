import { DataSource } from 'typeorm';
import { databaseOptions } from './src/database/database-options';

// The TypeORM CLI's DataSource (migration:generate, migration:run). It needs
// DATABASE_URL; the app itself migrates at start-up.
export default new DataSource(databaseOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard'));
