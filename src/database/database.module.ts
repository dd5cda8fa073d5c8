import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Database } from './database';
import { Transaction } from './transaction';

// The app's one pool (Database), for every module; closed when the app closes.
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  static forRoot(options: { url: string; poolSize: number }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: Database,
          useFactory: () => {
            const logger = new Logger('Database');
            const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
            Database.onIdleError = (error) => logger.warn({ message: 'an idle connection was lost', error: message(error) });
            Transaction.onHookError = (error) => logger.error({ message: 'an after-commit hook failed', error: message(error) });
            return Database.connect(options);
          },
        },
      ],
      exports: [Database],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
