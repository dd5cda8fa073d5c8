import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

// The hot paths' SQL as named (prepared) statements: PostgreSQL parses and
// plans each text once per connection instead of on every request, which
// halves the cost of the wide statements (the call view, the insert CTE).
// The name is a hash of the text, so a statement built in several variants
// gets one prepared statement per variant. Answers the rows, as pg does.
//
// Inside a transaction, pass its EntityManager: the statement runs on the
// transaction's connection.
export async function sql<T = any>(on: DataSource | EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const query = { name: statementName(text), text, values: params };
  if (on instanceof DataSource) {
    const pool = (on.driver as unknown as { master: { query(q: typeof query): Promise<{ rows: T[] }> } }).master;
    return (await pool.query(query)).rows;
  }
  const runner = (on as EntityManager).queryRunner;
  if (runner) {
    const client: { query(q: typeof query): Promise<{ rows: T[] }> } = await (runner as unknown as { connect(): Promise<never> }).connect();
    return (await client.query(query)).rows;
  }
  // Anything else that speaks TypeORM's query() (a manager outside a
  // transaction, the benchmarks' recorder): plain, unprepared.
  return (on as { query(text: string, params: unknown[]): Promise<T[]> }).query(text, params);
}

const names = new Map<string, string>();
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}
