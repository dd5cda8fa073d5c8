import type { Client, QueryResult } from 'pg';
import type { PgPool } from '../../src/database/pg-adapter';

// The pgbench baselines run the very statements the service sends. Rather
// than copy SQL text out of the repository (and drift from it), a benchmark
// runs the service's own classes (CallCreation, CallLifecycle, DueCalls, ...)
// once against the bench database through a RecordingDb, which records each
// statement with its parameters; PgbenchScript then turns those statements
// into a pgbench script: same SQL text, each $n parameter a pgbench variable.

import { prepareValue } from '../../src/database/pg-adapter';

export interface TracedStatement {
  sql: string;
  params: unknown[];
  fields: string[]; // the result's column names
  rows: number;
}

// Stands in for pg's pool behind the service's Database (src/database/
// database.ts): forwards every statement to one pg client, one at a time,
// and records it.
export class RecordingDb {
  private log: TracedStatement[] = [];

  constructor(private readonly client: Client) {}

  asPool(): PgPool {
    const query = ((config: string | { text: string; values?: unknown[] }) =>
      typeof config === 'string' ? this.record(config, []) : this.record(config.text, config.values ?? [])) as PgPool['query'];
    return { query, connect: async () => ({ query, release: () => undefined }) };
  }

  private async record(sql: string, params: unknown[]): Promise<QueryResult> {
    const entry: TracedStatement = { sql, params, fields: [], rows: 0 };
    this.log.push(entry);
    const result = await this.client.query(sql, params);
    entry.fields = (result.fields ?? []).map((f) => f.name);
    entry.rows = result.rows?.length ?? 0;
    return result;
  }

  // The statements recorded since the last take().
  take(): TracedStatement[] {
    return this.log.splice(0);
  }
}

export function paramText(value: unknown): string {
  return String(prepareValue(value));
}

// A pgbench script built from traced statements. Parameters become
// variables: the ones named in `bind` vary per transaction (set by \set or
// \gset in the script), every other one is the traced value, passed once
// with -D (see `vars`); a NULL parameter is written NULL.
export class PgbenchScript {
  private readonly lines: string[] = [];
  readonly vars: Record<string, string> = {};
  // A statement written more than once (a script that repeats it) keeps
  // its number, so its constants are passed once.
  private readonly numbers = new Map<TracedStatement, number>();

  constructor(title: string) {
    for (const line of title.split('\n')) this.lines.push(`-- ${line.replace(/:/g, ' -')}`);
  }

  // A meta-command (\set, \if, ...) or SQL written by hand (BEGIN, COMMIT).
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  // `bind`: pgbench variable → the value the trace had in its place. Every
  // bound variable must be found among the parameters, and any parameter
  // with that value is taken as it (the bench database keeps agent and call
  // ids in ranges of their own, so a value names one thing). `end`: ';' or
  // a \gset / \aset command.
  statement(traced: TracedStatement, bind: Record<string, unknown> = {}, end = ';'): this {
    const n = this.numbers.get(traced) ?? this.numbers.size + 1;
    this.numbers.set(traced, n);
    const byValue = new Map<string, string>();
    for (const [name, value] of Object.entries(bind)) {
      const text = paramText(value);
      if (byValue.has(text)) throw new Error(`statement ${n}: :${byValue.get(text)} and :${name} have the same traced value ${text}`);
      byValue.set(text, name);
    }
    let sql = traced.sql.trim();
    // pgbench reads ":word" as a variable even inside a string literal (such
    // as to_char's 'HH24:MI:SS'): such literals are passed as variables too.
    let literals = 0;
    sql = sql.replace(/'(?:[^']|'')*'/g, (literal) => {
      if (!/:[A-Za-z0-9_]/.test(literal)) return literal;
      const name = `s${n}_literal${++literals}`;
      this.vars[name] = literal.slice(1, -1).replace(/''/g, "'");
      return `:${name}`;
    });
    const used = new Set<string>();
    sql = sql.replace(/\$(\d+)/g, (_, index: string) => {
      const value = traced.params[Number(index) - 1];
      if (value === null || value === undefined) return 'NULL';
      // A one-element array of a bound value (`id = ANY($1::bigint[])`)
      // becomes ARRAY[:var]: pgbench variables are scalars.
      // (pg sends an array as its text form, '{"123"}', which is what a
      // Transaction records.)
      const single = Array.isArray(value) && value.length === 1 ? paramText(value[0]) : /^\{"?([^",{}]+)"?\}$/.exec(String(value))?.[1];
      const element = single === undefined ? undefined : byValue.get(single);
      if (element !== undefined) {
        used.add(element);
        return `ARRAY[:${element}]`;
      }
      const text = paramText(value);
      const bound = byValue.get(text);
      if (bound !== undefined) {
        used.add(bound);
        return `:${bound}`;
      }
      const name = `s${n}_p${index}`;
      this.vars[name] = text;
      return `:${name}`;
    });
    for (const name of byValue.values()) {
      if (!used.has(name)) throw new Error(`statement ${n}: no parameter had the traced value of :${name}\n${traced.sql}`);
    }
    this.lines.push(end === ';' ? `${sql};` : `${sql} ${end}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

// One line per statement, for the report: what the service sent.
export function describeTrace(statements: TracedStatement[]): string[] {
  return statements.map((s) => s.sql.replace(/\s+/g, ' ').trim().slice(0, 110));
}
