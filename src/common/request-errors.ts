import { DomainError, errorFactory } from './domain-error';

// Checks of a request's own shape that belong to no feature: the Manager
// API's paging and the small query filters its controllers read.
export const RequestMessages = {
  wholeNumberFrom: (name: string, min: number) => `${name} must be a whole number from ${min}`,
  wholeNumberBetween: (name: string, min: number, max: number) => `${name} must be a whole number from ${min} to ${max}`,
  includeDeletedNotBoolean: 'include_deleted must be true or false',
  ticketIdFilterNotWellFormed: 'ticket_id must be a single non-empty value',
  sortColumn: (columns: readonly string[]) => `sort_column must be one of ${columns.join(', ')}`,
  sortDirection: 'sort_direction must be ASC or DESC',
  parameterOnce: (name: string) => `${name} must be given once`,
  dateTime: (name: string) => `${name} must be an ISO 8601 date-time`,
  idFilter: (name: string) => `${name} must be a positive integer`,
  idOrderOnly: 'sort_direction must be ASC: this list is ordered by id',
} as const;

export enum RequestErrorCode {
  wholeNumberFrom = 'whole_number_from',
  wholeNumberBetween = 'whole_number_between',
  includeDeletedNotBoolean = 'include_deleted_not_boolean',
  ticketIdFilterNotWellFormed = 'ticket_id_filter_not_well_formed',
  sortColumn = 'sort_column_unknown',
  sortDirection = 'sort_direction_unknown',
  parameterOnce = 'parameter_repeated',
  dateTime = 'date_time_not_well_formed',
  idFilter = 'id_filter_not_well_formed',
  idOrderOnly = 'sort_direction_id_order_only',
}

export class RequestError extends DomainError<RequestErrorCode> {}

export const requestError = errorFactory(RequestError, RequestErrorCode, RequestMessages);
