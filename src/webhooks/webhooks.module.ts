import { Module } from '@nestjs/common';
import { SsrfGuard } from './ssrf-guard';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookRelay } from './webhook-relay';
import { WebhookRetention } from './webhook-retention';

// Webhooks (shared spec events-api.md): endpoints over the Manager API; the
// relay turns the event log into deliveries, the worker carries them out
// (both in every instance with WEBHOOKS_ENABLED), retention removes old
// delivery records.
@Module({
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointsService, WebhookEndpointsRepository, SsrfGuard, WebhookRelay, WebhookDeliveryWorker, WebhookRetention],
})
export class WebhooksModule {}
