import { DomainError, errorFactory } from '../common/domain-error';

export const ChatMessages = {
  notFound: (id: string) => `Chat ${id} is not found`,
} as const;

export enum ChatErrorCode {
  notFound = 'chat_not_found',
}

export class ChatError extends DomainError<ChatErrorCode> {}

export const chatError = errorFactory(ChatError, ChatErrorCode, ChatMessages);
