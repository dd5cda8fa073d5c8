import type { Queryable } from './database';
import type { Transaction } from './transaction';

// The statements the configuration tables (agents, menus, outbound numbers,
// contacts) share: each row belongs to one company and is keyed by
// (company_id, id). `table` and `columns` come from the repositories, never
// from a request; values always travel as parameters.
//
// Inserts and updates name only the columns given, so a column left out
// keeps its schema default (insert) or its value (update). Columns are
// sorted, so that each set of columns is one statement text (one prepared
// statement), whatever order they were given in.

export interface CompanyTable {
  name: string;
  // The SELECT list a row is read with (its interface's fields).
  columns: string;
}

// A page of a company's rows in `orderBy` order, with the total number of
// rows that match. `where` may use $1 (the company) and the `values` after it.
export async function selectPage<T>(
  db: Queryable,
  table: CompanyTable,
  filter: { where: string; values: unknown[]; orderBy: string },
  page: { offset: number; limit: number },
): Promise<[T[], number]> {
  const n = filter.values.length;
  const [rows, [{ total }]] = await Promise.all([
    db.query<T>(`SELECT ${table.columns} FROM ${table.name} WHERE ${filter.where} ORDER BY ${filter.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...filter.values,
      page.limit,
      page.offset,
    ]),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${table.name} WHERE ${filter.where}`, filter.values),
  ]);
  return [rows, total];
}

export async function selectRow<T>(db: Queryable, table: CompanyTable, companyId: string, id: string): Promise<T | null> {
  const [row] = await db.query<T>(`SELECT ${table.columns} FROM ${table.name} WHERE company_id = $1 AND id = $2`, [companyId, id]);
  return row ?? null;
}

// `values` are column → value (undefined: left out).
export async function insertRow<T>(db: Queryable, table: CompanyTable, companyId: string, values: Record<string, unknown>): Promise<T> {
  const columns = given(values);
  const names = ['company_id', ...columns].join(', ');
  const params = ['$1', ...columns.map((_, i) => `$${i + 2}`)].join(', ');
  const [row] = await db.query<T>(`INSERT INTO ${table.name} (${names}) VALUES (${params}) RETURNING ${table.columns}`, [
    companyId,
    ...columns.map((c) => values[c]),
  ]);
  return row;
}

// The row after the update, or null when the company has no such row. An
// empty `patch` writes nothing (updated_at stays).
export async function updateRow<T>(db: Queryable, table: CompanyTable, companyId: string, id: string, patch: Record<string, unknown>): Promise<T | null> {
  const columns = given(patch);
  if (columns.length === 0) return selectRow<T>(db, table, companyId, id);
  const assignments = columns.map((c, i) => `${c} = $${i + 3}`).join(', ');
  const [row] = await db.query<T>(`UPDATE ${table.name} SET ${assignments}, updated_at = now() WHERE company_id = $1 AND id = $2 RETURNING ${table.columns}`, [
    companyId,
    id,
    ...columns.map((c) => patch[c]),
  ]);
  return row ?? null;
}

// Answers whether the row was there.
export async function deleteRow(db: Queryable, table: CompanyTable, companyId: string, id: string): Promise<boolean> {
  const rows = await db.query(`DELETE FROM ${table.name} WHERE company_id = $1 AND id = $2 RETURNING id`, [companyId, id]);
  return rows.length > 0;
}

// Serialises one kind of change to one company's rows (`scope`: the menu
// tree, the outbound numbers) until the transaction ends: a lock on a name,
// so it holds also while the company has no rows yet.
export async function lockCompanyRows(tx: Transaction, scope: string, companyId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${scope}:${companyId}`]);
}

function given(values: Record<string, unknown>): string[] {
  return Object.keys(values)
    .filter((column) => values[column] !== undefined)
    .sort();
}

// The trees among the company tables (menus, teams: a `parent_id` and a
// `deleted` flag). `table` is a table name from a repository.

// Whether `candidate` is `id` itself or one of its descendants (a move that
// would make a cycle).
export async function isSelfOrDescendant(tx: Queryable, table: string, companyId: string, id: string, candidate: string): Promise<boolean> {
  const rows = await tx.query(
    `WITH RECURSIVE up (id, parent_id) AS (
       SELECT id, parent_id FROM ${table} WHERE company_id = $1 AND id = $3
       UNION
       SELECT t.id, t.parent_id FROM ${table} t JOIN up ON t.id = up.parent_id WHERE t.company_id = $1
     )
     SELECT 1 FROM up WHERE id = $2 LIMIT 1`,
    [companyId, id, candidate],
  );
  return rows.length > 0;
}

export async function hasLiveChildren(tx: Queryable, table: string, companyId: string, id: string): Promise<boolean> {
  const rows = await tx.query(`SELECT 1 FROM ${table} WHERE company_id = $1 AND parent_id = $2 AND NOT deleted LIMIT 1`, [companyId, id]);
  return rows.length > 0;
}
