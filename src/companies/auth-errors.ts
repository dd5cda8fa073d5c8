import { DomainError, errorFactory } from '../common/domain-error';

// Authentication says no more than that: no hint of which part was wrong.
export const AuthMessages = {
  unauthorized: 'Unauthorized',
  // Without SWITCHBOARD_ADMIN_TOKEN the /admin API answers as if it did not exist.
  adminApiDisabled: 'Not Found',
} as const;

export enum AuthErrorCode {
  unauthorized = 'unauthorized',
  adminApiDisabled = 'admin_api_disabled',
}

export class AuthError extends DomainError<AuthErrorCode> {}

export const authError = errorFactory(AuthError, AuthErrorCode, AuthMessages);
