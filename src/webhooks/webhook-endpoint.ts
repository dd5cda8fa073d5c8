import { eventIdOf } from '../events/outgoing-event';

// A webhook endpoint and a delivery as the Manager API reads them (bigint
// ids as strings, as pg answers them).
export const ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpointRow {
  id: string;
  company_id: string;
  url: string;
  event_types: string[];
  description: string | null;
  status: EndpointStatus;
  secret: string;
  created_at: Date;
}

export interface DeliveryAttempt {
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface WebhookDeliveryRow {
  id: string;
  event_tx: string;
  event_row: string;
  event_type: string;
  call_id: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  next_attempt_at: Date | null;
}

export function presentEndpoint(row: WebhookEndpointRow, withSecret = false) {
  return {
    id: Number(row.id),
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    status: row.status,
    ...(withSecret ? { secret: row.secret } : {}),
    created_at: row.created_at.toISOString(),
  };
}

export function presentDelivery(row: WebhookDeliveryRow) {
  return {
    id: Number(row.id),
    event_id: eventIdOf({ tx: row.event_tx, id: String(row.event_row) }),
    event_type: row.event_type,
    call_id: Number(row.call_id),
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' && row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
  };
}
