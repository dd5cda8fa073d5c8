import { MIGRATIONS } from '../../migrations';
import { DataSourceOptions } from 'typeorm';

// The one options builder for TypeORM, which serves the schema alone: the
// migration runner (migrate-database.ts), the tests and the TypeORM CLI
// (ormconfig.ts) all build their DataSource here, so they cannot drift. No
// entities: the app reads and writes through Database with hand-written SQL.
export function databaseOptions(url: string, overrides: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Failed queries reach the exception filter, which logs what is unexpected.
    logging: false,
    poolSize: overrides.poolSize ?? 20,
    applicationName: overrides.applicationName ?? 'switchboard',
    extra: {
      // A dead server must not hang a request forever.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      // Statements sent without waiting for the previous answer (pg's
      // pipeline mode): a transaction's deferred statements and its COMMIT
      // share one round trip (src/database/transaction.ts).
      pipeline: true,
    },
  };
}
