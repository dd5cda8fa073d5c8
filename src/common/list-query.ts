import { parsePage, Page } from './paging';
import { requestError } from './request-errors';

export type SortDirection = 'ASC' | 'DESC';

export interface TimeRange {
  from?: Date;
  to?: Date;
}

export interface ListQuery<Column extends string> {
  page: Page;
  sortColumn: Column;
  sortDirection: SortDirection;
  // `<field>[from]` / `<field>[to]` per field the list filters on (inclusive).
  ranges: Record<string, TimeRange>;
}

export interface ListSpec<Column extends string> {
  sortColumns: readonly Column[];
  defaultSort: Column;
  timeRanges: readonly string[];
}

// The Manager API's list parameters as CCAI takes them: page, per,
// sort_column, sort_direction and `<field>[from]`/`[to]` (ISO 8601). A bad
// one is a 400 naming it; other parameters are the list's own to read.
export function parseListQuery<Column extends string>(query: Record<string, unknown>, spec: ListSpec<Column>): ListQuery<Column> {
  const page = parsePage(query);
  const sortColumn = (one(query, 'sort_column') ?? spec.defaultSort) as Column;
  if (!spec.sortColumns.includes(sortColumn)) throw requestError('sortColumn', spec.sortColumns);
  const direction = (one(query, 'sort_direction') ?? 'ASC').toUpperCase();
  if (direction !== 'ASC' && direction !== 'DESC') throw requestError('sortDirection');
  const ranges: Record<string, TimeRange> = {};
  for (const field of spec.timeRanges) ranges[field] = { from: instantParameter(query, field, 'from'), to: instantParameter(query, field, 'to') };
  return { page, sortColumn, sortDirection: direction, ranges };
}

// The page of a list always ordered by id, ascending (the configuration
// tables, read whole by pipelines): sort parameters other than that order
// are refused rather than ignored.
export function parseIdOrderedPage(query: Record<string, unknown>): Page {
  const sortColumn = one(query, 'sort_column');
  if (sortColumn !== undefined && sortColumn !== 'id') throw requestError('sortColumn', ['id']);
  const direction = one(query, 'sort_direction');
  if (direction !== undefined && direction.toUpperCase() !== 'ASC') throw requestError('idOrderOnly');
  return parsePage(query);
}

// A parameter given at most once (Fastify answers an array for `a=1&a=2`).
export function one(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw requestError('parameterOnce', name);
  return value;
}

function instantParameter(query: Record<string, unknown>, field: string, bound: 'from' | 'to'): Date | undefined {
  const name = `${field}[${bound}]`;
  const nested = query[field];
  const raw = query[name] ?? (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[bound] : undefined);
  if (raw === undefined || raw === '') return undefined;
  const date = typeof raw === 'string' ? parseInstant(raw) : null;
  if (!date) throw requestError('dateTime', name);
  return date;
}

// An ISO 8601 date or date-time; without a zone, UTC (never the server's
// local time). A `+hh:mm` zone sent unencoded in a query string arrives as
// ` hh:mm` (a `+` there means a space): read as the `+` it was.
export function parseInstant(raw: string): Date | null {
  const text = raw.replace(/([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?) (\d{2}:?\d{2})$/i, '$1+$4');
  const m = /^(\d{4})-(\d{2})-(\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!m) return null;
  const [, year, month, day, time, hours, minutes, , secs] = m;
  // new Date() rolls 2025-02-30 over to March 2: the day must exist.
  if (+month < 1 || +month > 12 || +day < 1 || +day > new Date(Date.UTC(+year, +month, 0)).getUTCDate()) return null;
  if (time && (+hours > 23 || +minutes > 59 || (secs !== undefined && +secs > 59))) return null;
  const date = new Date(time && !m[10] ? `${text}Z` : text);
  return Number.isNaN(date.getTime()) ? null : date;
}
