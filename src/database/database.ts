import { Client, Pool } from 'pg';
import { PgClient, PgPool, statementName } from './pg-adapter';
import { Transaction } from './transaction';

// The one way to the database. Every repository takes a `Queryable` — the
// Database itself (a statement on any pooled connection) or a Transaction (a
// statement on that transaction's connection) — and sends SQL through
// `query`. Statements with parameters are prepared once per connection
// under a name derived from their text, so PostgreSQL parses and plans each
// text once instead of on every request.
//
// TypeORM is used for the schema alone (migrations, the CLI): the app's
// queries are hand-written SQL, and one pool serves them all.
export interface Queryable {
  query<T = any>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export class Database implements Queryable {
  constructor(
    private readonly pool: PgPool,
    private readonly options?: DatabaseOptions,
  ) {}

  // The pool's connections now: open, idle, and requests waiting for one.
  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return { total: this.pool.totalCount ?? 0, idle: this.pool.idleCount ?? 0, waiting: this.pool.waitingCount ?? 0, max: this.pool.options?.max ?? 0 };
  }

  static connect(options: DatabaseOptions): Database {
    const pool = new Pool({
        connectionString: options.url,
        max: options.poolSize ?? 20,
        application_name: options.applicationName ?? 'switchboard',
        // A dead server must not hang a request forever.
        connectionTimeoutMillis: 5000,
        idleTimeoutMillis: 30000,
        // Statements sent without waiting for the previous answer (pg's
        // pipeline mode): a transaction's deferred statements and its COMMIT
        // share one round trip (transaction.ts).
        pipeline: true,
      } as ConstructorParameters<typeof Pool>[0]);
    // An idle connection the server ended (a restart, pg_terminate_backend):
    // the pool drops it and opens another when needed. Without a listener
    // the error would end the process.
    pool.on('error', (error) => Database.onIdleError(error));
    return new Database(pool as unknown as PgPool, options);
  }

  static onIdleError: (error: Error) => void = () => undefined;

  async query<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    const result = values.length === 0 ? await this.pool.query(text) : await this.pool.query({ name: statementName(text), text, values });
    return result.rows as T[];
  }

  // Runs `work` in one transaction (see Transaction): committed when it
  // returns, rolled back when it throws.
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return Transaction.run(() => this.pool.connect(), work);
  }

  // A pooled connection for work that needs one connection for a while (a
  // lock held across statements); release it.
  connection(): Promise<PgClient> {
    return this.pool.connect();
  }

  // A connection of its own, outside the pool, for work that holds one for
  // good (LISTEN); end it with `release(true)`.
  async dedicatedConnection(): Promise<PgClient> {
    if (!this.options) throw new Error('this Database has no connection settings of its own');
    const client = new Client({ connectionString: this.options.url, application_name: `${this.options.applicationName ?? 'switchboard'}-listen` });
    await client.connect();
    return Object.assign(client, { release: () => void client.end().catch(() => undefined) }) as unknown as PgClient;
  }

  async close(): Promise<void> {
    await this.pool.end?.();
  }
}
