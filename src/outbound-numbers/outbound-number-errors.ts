import { DomainError, errorFactory } from '../common/domain-error';

export const OutboundNumberMessages = {
  notFound: (id: string) => `Outbound number ${id} is not found`,
  taken: (e164: string) => `Outbound number ${e164} already exists`,
} as const;

export enum OutboundNumberErrorCode {
  notFound = 'outbound_number_not_found',
  taken = 'outbound_number_taken',
}

export class OutboundNumberError extends DomainError<OutboundNumberErrorCode> {}

export const outboundNumberError = errorFactory(OutboundNumberError, OutboundNumberErrorCode, OutboundNumberMessages);
