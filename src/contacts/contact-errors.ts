import { DomainError, errorFactory } from '../common/domain-error';

export const ContactMessages = {
  notFound: (id: string) => `Contact ${id} is not found`,
  ticketTaken: (ticketId: string) => `A contact with ticket_id '${ticketId}' already exists`,
} as const;

export enum ContactErrorCode {
  notFound = 'contact_not_found',
  ticketTaken = 'contact_ticket_taken',
}

export class ContactError extends DomainError<ContactErrorCode> {}

export const contactError = errorFactory(ContactError, ContactErrorCode, ContactMessages);
