import { DomainError, errorFactory } from './domain-error';

// Checks of a request's own shape that belong to no feature: the Manager
// API's paging and the small query filters its controllers read.
export const RequestMessages = {
  wholeNumberFrom: (name: string, min: number) => `${name} must be a whole number from ${min}`,
  wholeNumberBetween: (name: string, min: number, max: number) => `${name} must be a whole number from ${min} to ${max}`,
  includeDeletedNotBoolean: 'include_deleted must be true or false',
  ticketIdFilterNotWellFormed: 'ticket_id must be a single non-empty value',
} as const;

export enum RequestErrorCode {
  wholeNumberFrom = 'whole_number_from',
  wholeNumberBetween = 'whole_number_between',
  includeDeletedNotBoolean = 'include_deleted_not_boolean',
  ticketIdFilterNotWellFormed = 'ticket_id_filter_not_well_formed',
}

export class RequestError extends DomainError<RequestErrorCode> {}

export const requestError = errorFactory(RequestError, RequestErrorCode, RequestMessages);
