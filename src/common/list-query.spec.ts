import { parseIdOrderedPage, parseInstant, parseListQuery } from './list-query';
import { RequestError } from './request-errors';

describe('parseInstant', () => {
  it.each([
    ['2026-12-06T14:10:15.123Z', '2026-12-06T14:10:15.123Z'],
    ['2026-12-06T14:10:15.123456Z', '2026-12-06T14:10:15.123Z'],
    ['2026-12-06T14:10:15+02:00', '2026-12-06T12:10:15.000Z'],
    ['2026-12-06T14:10:15 02:00', '2026-12-06T12:10:15.000Z'], // an unencoded + read as a space
    ['2026-12-06T14:10:15.5 0200', '2026-12-06T12:10:15.500Z'],
    ['2026-12-06 14:10', '2026-12-06T14:10:00.000Z'], // no zone: UTC
    ['2026-12-06', '2026-12-06T00:00:00.000Z'],
  ])('reads %s', (raw, iso) => {
    expect(parseInstant(raw)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '1735689600', '2025-02-30T00:00:00Z', '2025-13-01', '2025-01-01T25:00:00Z', '2025-01-01T10:61Z', '2025-01-01 02:00 00:00 00:00', ''])('refuses %j', (raw) => {
    expect(parseInstant(raw)).toBeNull();
  });
});

describe('parseListQuery', () => {
  const spec = { sortColumns: ['id', 'started_at'] as const, defaultSort: 'started_at' as const, timeRanges: ['started_at'] };

  it('reads paging, sort and ranges, flat or nested', () => {
    expect(parseListQuery({ page: '2', per: '10', sort_column: 'id', sort_direction: 'desc', 'started_at[from]': '2026-01-01T00:00:00Z' }, spec)).toEqual({
      page: { page: 2, per: 10, offset: 10 },
      sortColumn: 'id',
      sortDirection: 'DESC',
      ranges: { started_at: { from: new Date('2026-01-01T00:00:00Z'), to: undefined } },
    });
    expect(parseListQuery({ started_at: { to: '2026-01-01' } }, spec).ranges.started_at.to).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it.each([
    [{ per: '0' }, 'per must be a whole number from 1 to 100'],
    [{ per: '100000' }, 'per must be a whole number from 1 to 100'],
    [{ sort_column: 'name' }, 'sort_column must be one of id, started_at'],
    [{ sort_direction: 'UP' }, 'sort_direction must be ASC or DESC'],
    [{ sort_column: ['id', 'id'] }, 'sort_column must be given once'],
    [{ 'started_at[from]': 'soon' }, 'started_at[from] must be an ISO 8601 date-time'],
  ])('refuses %j', (query, message) => {
    expect(() => parseListQuery(query, spec)).toThrow(RequestError);
    expect(() => parseListQuery(query, spec)).toThrow(message);
  });

  it('refuses any order but id ascending on lists ordered by id', () => {
    expect(parseIdOrderedPage({ sort_column: 'id', sort_direction: 'asc' })).toEqual({ page: 1, per: 100, offset: 0 });
    expect(() => parseIdOrderedPage({ sort_column: 'name' })).toThrow('sort_column must be one of id');
    expect(() => parseIdOrderedPage({ sort_direction: 'DESC' })).toThrow('sort_direction must be ASC: this list is ordered by id');
  });
});
