import { Injectable } from '@nestjs/common';
import { parseId } from '../common/ids';
import { OUTGOING_EVENT_TYPES } from '../events/outgoing-event';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto';
import { SsrfGuard } from './ssrf-guard';
import { DELIVERY_STATUSES, DeliveryStatus, WebhookDeliveryRow, WebhookEndpointRow } from './webhook-endpoint';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { webhookError } from './webhook-errors';
import { newWebhookSecret } from './webhook-signing';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookStreams } from './webhook-streams';

// After a rotation the old secret signs beside the new one this long.
export const ROTATION_OVERLAP_HOURS = 24;

const KNOWN_TYPES = new Set(OUTGOING_EVENT_TYPES);

@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly guard: SsrfGuard,
    private readonly worker: WebhookDeliveryWorker,
    private readonly streams: WebhookStreams,
  ) {}

  async create(companyId: string, dto: CreateWebhookEndpointDto): Promise<WebhookEndpointRow> {
    const url = await this.checkedUrl(dto.url);
    const endpoint = await this.endpoints.insert(companyId, { url, event_types: eventTypes(dto.event_types), description: dto.description ?? null, secret: newWebhookSecret() });
    this.streams.subscribe();
    return endpoint;
  }

  list(companyId: string, offset: number, limit: number): Promise<[WebhookEndpointRow[], number]> {
    return this.endpoints.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<WebhookEndpointRow> {
    const endpointId = parseId(id);
    const endpoint = endpointId && (await this.endpoints.find(companyId, endpointId));
    if (!endpoint) throw webhookError('notFound', id);
    return endpoint;
  }

  async update(companyId: string, id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointRow> {
    await this.get(companyId, id);
    const url = dto.url === undefined ? undefined : await this.checkedUrl(dto.url);
    const endpoint = await this.endpoints.update(companyId, id, {
      url,
      event_types: dto.event_types === undefined ? undefined : eventTypes(dto.event_types),
      description: dto.description,
      status: dto.status,
    });
    if (!endpoint) throw webhookError('notFound', id);
    this.streams.subscribe(); // a stream taken, or dropped, now
    if (dto.status === 'enabled') this.worker.wake();
    return endpoint;
  }

  async delete(companyId: string, id: string): Promise<void> {
    const endpointId = parseId(id);
    if (!endpointId || !(await this.endpoints.delete(companyId, endpointId))) throw webhookError('notFound', id);
  }

  async rotateSecret(companyId: string, id: string): Promise<string> {
    const endpointId = parseId(id);
    const secret = endpointId && (await this.endpoints.rotateSecret(companyId, endpointId, newWebhookSecret(), ROTATION_OVERLAP_HOURS));
    if (!secret) throw webhookError('notFound', id);
    return secret;
  }

  async deliveries(companyId: string, id: string, status: unknown, offset: number, limit: number): Promise<[WebhookDeliveryRow[], number]> {
    const endpoint = await this.get(companyId, id);
    if (status !== undefined && status !== '' && !(typeof status === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(status))) {
      throw webhookError('deliveryStatusInvalid');
    }
    return this.endpoints.deliveries(companyId, endpoint.id, status ? (status as DeliveryStatus) : null, offset, limit);
  }

  async retryDelivery(companyId: string, id: string, deliveryId: string): Promise<void> {
    const endpoint = await this.get(companyId, id);
    const delivery = parseId(deliveryId);
    if (!delivery || !(await this.endpoints.retryDelivery(companyId, endpoint.id, delivery))) throw webhookError('deliveryNotFound', deliveryId);
    this.worker.wake();
  }

  // The URL as given, once its form and every address it resolves to
  // passed the guard.
  private async checkedUrl(raw: string): Promise<string> {
    await this.guard.check(raw);
    return raw;
  }
}

function eventTypes(given: string[] | undefined): string[] {
  const types = [...new Set(given ?? [])];
  for (const type of types) if (!KNOWN_TYPES.has(type)) throw webhookError('eventTypeUnknown', type);
  return types;
}
