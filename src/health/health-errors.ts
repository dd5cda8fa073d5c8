import { DomainError, errorFactory } from '../common/domain-error';

export const HealthMessages = {
  databaseUnavailable: 'Database unavailable',
} as const;

export enum HealthErrorCode {
  databaseUnavailable = 'database_unavailable',
}

export class HealthError extends DomainError<HealthErrorCode> {}

export const healthError = errorFactory(HealthError, HealthErrorCode, HealthMessages);
