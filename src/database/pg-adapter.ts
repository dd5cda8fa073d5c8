import { createHash } from 'node:crypto';
import type { QueryResult } from 'pg';

// Everything Switchboard needs of node-postgres beyond its public API lives
// here, and nowhere else. test/pg-adapter.e2e-spec.ts fails loudly when an
// upgrade of pg moves any of it:
//
// - `prepareValue` (pg/lib/utils): pg's own conversion of a parameter to the
//   text it sends. A transaction converts a whole flight before sending any
//   of it, so that a value pg cannot bind fails the flight up front rather
//   than being skipped while the statements behind it, COMMIT included, go
//   out.
// - the connection's socket (`client.connection.stream`): corked around a
//   flight so that all its statements leave in one write.

export const prepareValue = (require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown }).prepareValue;

// Sends whatever `send` writes on the client's socket in one write.
export function inOneWrite<T>(client: PgClient, send: () => T): T {
  const stream = client.connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

// The parts of pg's Pool and PoolClient used here (the benchmarks' recorder
// stands in for them too).
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<QueryResult>;
  query(config: { name: string; text: string; values: unknown[] }): Promise<QueryResult>;
  release(error?: Error | boolean): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  connection?: { stream?: { cork?(): void; uncork?(): void } };
}

export interface PgPool {
  connect(): Promise<PgClient>;
  query(text: string): Promise<QueryResult>;
  query(config: { name: string; text: string; values: unknown[] }): Promise<QueryResult>;
  end?(): Promise<void>;
  options?: { pipeline?: boolean; max?: number };
  // pg.Pool's counts, for the metrics.
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
}

// A statement's name: a hash of its text, computed once per text. A
// statement built in several variants gets one prepared statement per
// variant; a text built anew for every call would be hashed every time.
const names = new Map<string, string>();
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}
