import { Module } from '@nestjs/common';
import { SsrfGuard } from './ssrf-guard';
import { WebhookAttempts } from './webhook-attempts';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookRetention } from './webhook-retention';
import { WebhookStreams } from './webhook-streams';

// Webhooks (shared spec events-api.md): endpoints over the Manager API;
// streams send each endpoint's events from the event log and record their
// outcomes, the worker retries the deliveries that failed (both in every
// instance with WEBHOOKS_ENABLED), retention removes old delivery records.
@Module({
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointsService, WebhookEndpointsRepository, SsrfGuard, WebhookAttempts, WebhookStreams, WebhookDeliveryWorker, WebhookRetention],
})
export class WebhooksModule {}
