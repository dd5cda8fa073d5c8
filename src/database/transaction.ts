import type { QueryResult } from 'pg';
import { PgClient, inOneWrite, prepareValue, statementName } from './pg-adapter';

// A transaction on one pooled connection whose statements travel in as few
// round trips as correctness allows. On this kind of path the round trips,
// not PostgreSQL's work, are the cost: every statement is a system call on
// each side, a wake-up of the other process and a wait.
//
// - `defer` queues a statement whose answer nobody waits for (an UPDATE of
//   participants, a log row); it goes out with the next statement that is
//   awaited, in order, in the same write (pipelined). `deferQuery` does the
//   same and answers a promise of the statement's rows, settled when its
//   flight comes back (await it only after something sent it: a later
//   `query` or the COMMIT).
// - `query` sends what is deferred plus this statement, and answers its rows;
//   `flush` sends what is deferred and waits for it.
// - `commit` sends what is deferred and COMMIT together.
// - `Transaction.run` sends BEGIN with the first statement, and COMMIT (with
//   whatever is still deferred) when the work returns, unless it committed.
// - `afterCommit` registers work that runs only once the COMMIT succeeded
//   (a wake-up of the event readers, say); on a rollback it is
//   dropped — also when a group of events is rolled back and its events are
//   then applied one by one, each in a transaction of its own.
//
// Errors: the first statement that fails aborts the transaction, so every
// later statement of the same flight fails with "current transaction is
// aborted" and a pipelined COMMIT turns into a ROLLBACK. The first error,
// the real one, is thrown. Nothing is ever committed past an error. The one
// case where the outcome is unknown, the connection lost after COMMIT was
// sent, throws CommitOutcomeUnknownError.
//
// Pipelining needs the pool's clients in pipeline mode (`pipeline: true`,
// database-options.ts); without it pg sends the same statements one by one,
// with the same result.
export class Transaction {
  private deferred: Statement[] = [];
  private state: 'open' | 'committed' | 'failed' = 'open';
  private issued = 0; // statements deferred or sent so far (BEGIN not counted)
  private committedHooks: Array<() => void> = [];

  private constructor(private readonly client: PgClient) {}

  // Database.transaction is the way in; `connect` hands out a pooled connection.
  static async run<T>(connect: () => Promise<PgClient>, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await connect();
    guard(client);
    const tx = new Transaction(client);
    tx.deferred.push({ text: 'BEGIN', values: [] });
    let broken: Error | undefined;
    try {
      const value = await work(tx);
      if (tx.state === 'open') await tx.commit();
      return value;
    } catch (error) {
      broken = await tx.rollback();
      throw error;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it.
      client.release(broken);
    }
  }

  // Work to run once this transaction has committed, in registration order;
  // dropped if it rolls back. A hook that throws does not undo the commit:
  // its error is reported to `onHookError` (the caller's answer stands).
  afterCommit(hook: () => void): void {
    this.ensureOpen();
    this.committedHooks.push(hook);
  }

  defer(text: string, values: unknown[] = []): void {
    this.ensureOpen();
    this.issued += 1;
    this.deferred.push({ text, values });
  }

  deferQuery<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    this.ensureOpen();
    this.issued += 1;
    let settle!: Statement['settle'];
    const rows = new Promise<T[]>((resolve, reject) => {
      settle = (error, result) => (error === undefined ? resolve(result!.rows as T[]) : reject(error));
    });
    rows.catch(() => undefined); // the flight's sender reports a failure; a caller that awaits still sees it
    this.deferred.push({ text, values, settle });
    return rows;
  }

  async query<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    this.issued += 1;
    const results = await this.send([{ text, values }]);
    return results[results.length - 1].rows as T[];
  }

  // Sends what is deferred, if anything, and waits for it (deferQuery's
  // promises are settled after this).
  async flush(): Promise<void> {
    if (this.deferred.length > 0) await this.send([]);
  }

  // How many statements the transaction has issued: compare two marks to
  // know whether some work wrote (or read) anything in between.
  mark(): number {
    return this.issued;
  }

  // What is deferred and COMMIT, in one round trip (deferQuery's promises
  // are settled after this).
  async commit(): Promise<void> {
    let results: QueryResult[];
    try {
      results = await this.send([{ text: 'COMMIT', values: [] }]);
    } catch (error) {
      // A statement the server refused: the transaction is rolled back. No
      // answer at all (the connection is gone): it may have committed.
      if (isServerError(error)) throw error;
      throw new CommitOutcomeUnknownError(error);
    }
    const commit = results[results.length - 1];
    if (commit.command !== 'COMMIT') {
      this.state = 'failed';
      throw new Error(`the transaction was not committed (${commit.command})`);
    }
    this.state = 'committed';
    const hooks = this.committedHooks;
    this.committedHooks = [];
    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        Transaction.onHookError(error);
      }
    }
  }

  // Where an after-commit hook's error goes (the app logs it).
  static onHookError: (error: unknown) => void = () => undefined;

  private async send(statements: Statement[]): Promise<QueryResult[]> {
    this.ensureOpen();
    const flight = [...this.deferred, ...statements];
    // Every value in the wire's text form first: a value pg failed to bind
    // would be skipped while the statements behind it, COMMIT included, went
    // out. A value that cannot be sent fails the flight before anything is.
    const values = flight.map((s) => s.values.map(prepareValue));
    this.deferred = [];
    // One write for the whole flight: pg corks the socket around each
    // statement's messages; a cork around all of them makes it one writev.
    const answers = inOneWrite(this.client, () =>
      flight.map((s, i) =>
        s.values.length === 0 ? this.client.query(s.text) : this.client.query({ name: statementName(s.text), text: s.text, values: values[i] }),
      ),
    );
    const settled = await Promise.allSettled(answers);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    flight.forEach((s, i) => {
      const r = settled[i];
      s.settle?.(r.status === 'rejected' ? r.reason : failed?.reason, r.status === 'fulfilled' ? r.value : undefined);
    });
    if (failed) {
      this.state = 'failed';
      throw failed.reason;
    }
    return settled.map((r) => (r as PromiseFulfilledResult<QueryResult>).value);
  }

  // Answers the error that makes the connection unusable, if any.
  private async rollback(): Promise<Error | undefined> {
    const unsent = this.deferred;
    this.deferred = [];
    this.committedHooks = [];
    for (const s of unsent) s.settle?.(new Error('the transaction was rolled back before this statement was sent'));
    if (this.state === 'committed') return undefined;
    this.state = 'failed';
    try {
      await this.client.query('ROLLBACK');
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private ensureOpen(): void {
    if (this.state !== 'open') throw new Error(`the transaction is ${this.state}`);
  }
}

interface Statement {
  text: string;
  values: unknown[];
  // deferQuery's promise: settled with the statement's error, or with the
  // flight's first error, or with its result.
  settle?: (error: unknown, result?: QueryResult) => void;
}

// The connection was lost after COMMIT was sent: the transaction may or may
// not have committed. Never retry the work on this error.
export class CommitOutcomeUnknownError extends Error {
  constructor(readonly cause: unknown) {
    super(`the connection was lost during COMMIT: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

// An error the server reported for a statement (it carries a SQLSTATE): the
// server is alive and has aborted the transaction.
function isServerError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

// pg-pool listens for a connection's errors only while it is idle; an error
// event nobody listens to would crash the process. A connection that dies
// while checked out here fails its pending statements anyway (and the
// transaction then discards it): the listener only keeps the event from
// being unhandled. One per connection, for its whole life.
const guarded = new WeakSet<object>();
function guard(client: PgClient): void {
  if (guarded.has(client) || typeof client.on !== 'function') return;
  guarded.add(client);
  client.on('error', () => undefined);
}

