import { DomainError, errorFactory } from '../common/domain-error';

// The /admin API's refusals (its body checks are CompanyFieldMessages).
export const CompanyMessages = {
  keyTaken: (key: string) => `Company key '${key}' is already in use`,
  companyNotFound: (key: string) => `Company '${key}' is not found`,
  tokenNotFound: (id: string) => `Token ${id} is not found`,
} as const;

export enum CompanyErrorCode {
  keyTaken = 'company_key_taken',
  companyNotFound = 'company_not_found',
  tokenNotFound = 'token_not_found',
}

export class CompanyError extends DomainError<CompanyErrorCode> {}

export const companyError = errorFactory(CompanyError, CompanyErrorCode, CompanyMessages);
