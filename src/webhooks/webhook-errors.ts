import { DomainError, errorFactory } from '../common/domain-error';

// The webhooks' errors (shared spec events-api.md): a code for each, and
// its message.
export const WebhookMessages = {
  notFound: (id: string) => `Webhook ${id} is not found`,
  deliveryNotFound: (id: string) => `Delivery ${id} is not found`,
  urlNotHttps: 'url must be an https:// URL',
  urlNotHttp: 'url must be an http:// or https:// URL',
  urlHasCredentials: 'url must not contain a user name or password',
  urlBlocked: (host: string, address: string) => `url points at a blocked address: ${host} is ${address} (loopback, private, link-local, CGNAT, unspecified and multicast addresses are refused)`,
  urlUnresolvable: (host: string) => `url's host ${host} does not resolve`,
  eventTypeUnknown: (type: string) => `Unknown event type '${type}'`,
  deliveryStatusInvalid: 'status must be one of pending, succeeded, failed',
} as const;

export enum WebhookErrorCode {
  notFound = 'webhook_not_found',
  deliveryNotFound = 'webhook_delivery_not_found',
  urlNotHttps = 'webhook_url_not_https',
  urlNotHttp = 'webhook_url_not_http',
  urlHasCredentials = 'webhook_url_has_credentials',
  urlBlocked = 'webhook_url_blocked',
  urlUnresolvable = 'webhook_url_unresolvable',
  eventTypeUnknown = 'webhook_event_type_unknown',
  deliveryStatusInvalid = 'webhook_delivery_status_invalid',
}

export class WebhookError extends DomainError<WebhookErrorCode> {}

export const webhookError = errorFactory(WebhookError, WebhookErrorCode, WebhookMessages);
