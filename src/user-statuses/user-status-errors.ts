import { DomainError, errorFactory } from '../common/domain-error';

export const UserStatusMessages = {
  notFound: (id: string) => `User status ${id} is not found`,
  nameTaken: (name: string) => `A user status named '${name}' already exists`,
  builtInDelete: (id: string) => `User status ${id} is built in and cannot be deleted`,
  builtInAvailability: 'The availability of a built-in user status cannot change',
} as const;

export enum UserStatusErrorCode {
  notFound = 'user_status_not_found',
  nameTaken = 'user_status_name_taken',
  builtInDelete = 'user_status_built_in',
  builtInAvailability = 'user_status_built_in_availability',
}

export class UserStatusError extends DomainError<UserStatusErrorCode> {}

export const userStatusError = errorFactory(UserStatusError, UserStatusErrorCode, UserStatusMessages);
