import { parseInstant } from '../../common/list-query';
import { parsePage, Page } from '../../common/paging';
import { callError } from '../call-errors';
import type { CallListFilter, SortColumn } from '../calls.repository';
import { CALL_STATUSES } from '../lifecycle/machine/call.machine';
import { CALL_TYPES } from './create-call.request';

const SORT_COLUMNS: readonly SortColumn[] = ['created_at', 'updated_at', 'scheduled_at', 'id'];
const CALL_TYPE_VALUES: readonly string[] = Object.values(CALL_TYPES);

// GET /manager/api/v1/calls parameters, as CCAI's Manager API takes them.
// A bad parameter is a 400 naming it.
export function parseCallListQuery(companyId: string, query: Record<string, unknown>): { filter: CallListFilter; page: Page } {
  const page = parsePage(query);
  const sortColumn = (one(query, 'sort_column') ?? 'created_at') as SortColumn;
  if (!SORT_COLUMNS.includes(sortColumn)) throw callError('listSortColumn', SORT_COLUMNS);
  const direction = (one(query, 'sort_direction') ?? 'ASC').toUpperCase();
  if (direction !== 'ASC' && direction !== 'DESC') throw callError('listSortDirection');
  const status = one(query, 'status');
  if (status !== undefined && !(CALL_STATUSES as readonly string[]).includes(status)) throw callError('listStatus', CALL_STATUSES);
  const callType = one(query, 'call_type');
  if (callType !== undefined && !CALL_TYPE_VALUES.includes(callType)) throw callError('listCallType', CALL_TYPE_VALUES);
  return {
    page,
    filter: {
      companyId,
      status,
      callType,
      createdFrom: instant(query, 'created_at', 'from'),
      createdTo: instant(query, 'created_at', 'to'),
      updatedFrom: instant(query, 'updated_at', 'from'),
      updatedTo: instant(query, 'updated_at', 'to'),
      sortColumn,
      sortDirection: direction,
      offset: page.offset,
      limit: page.per,
    },
  };
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw callError('listParameterOnce', name);
  return value;
}

// created_at[from]=… arrives flat from Fastify's parser, or nested from qs.
function instant(query: Record<string, unknown>, field: string, bound: 'from' | 'to'): Date | undefined {
  const name = `${field}[${bound}]`;
  const nested = query[field];
  const raw = query[name] ?? (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[bound] : undefined);
  if (raw === undefined || raw === '') return undefined;
  const date = typeof raw === 'string' ? parseInstant(raw) : null;
  if (!date) throw callError('listDateTime', name);
  return date;
}
