import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import type { OutgoingEvent } from '../events/outgoing-event';
import type { DeliveryAttempt, DeliveryStatus } from './webhook-endpoint';
import { AttemptOutcome, postWebhook } from './webhook-sender';
import { signedHeaders } from './webhook-signing';
import { SsrfGuard } from './ssrf-guard';

// One attempt of one delivery, and what follows from its outcome: shared by
// the streams (first attempts, straight from the log) and the delivery
// worker (retries of stored deliveries).
//
// After a failed attempt the next one is due after the next step of
// WEBHOOK_RETRY_SCHEDULE_MS; after the last step the delivery has failed.
// A Retry-After on 429/503 is honoured between that step's delay and the
// following step's (it can lengthen the wait up to the next step, never
// shorten it). 410 Gone fails the delivery and disables the endpoint.

export interface AttemptTarget {
  endpointId: string;
  url: string;
  secret: string;
  previousSecret: string | null;
}

export interface AttemptResult {
  attempt: DeliveryAttempt;
  // The delivery afterwards, and the wait before its next attempt.
  status: DeliveryStatus;
  delayMs: number;
}

const DISABLE = `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'enabled'`;

@Injectable()
export class WebhookAttempts {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly schedule: number[];
  // Longer than any attempt can take (the guard's DNS and the request share
  // one deadline), with room to record its outcome: the lease of a stored
  // delivery, and of an endpoint's stream.
  readonly leaseMs: number;

  constructor(
    private readonly db: Database,
    private readonly guard: SsrfGuard,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.schedule = config.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number);
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS * 2 + 2000;
  }

  // Makes the `made`-th attempt (1 for the first) of delivering `event`.
  async make(target: AttemptTarget, event: OutgoingEvent, made: number): Promise<AttemptResult> {
    const startedAt = new Date();
    const started = performance.now();
    const timeoutMs = this.config.WEBHOOK_TIMEOUT_MS;
    let outcome: AttemptOutcome;
    try {
      // The guard again, against what the host resolves to now; the request
      // connects to the address it checked.
      const checked = await withDeadline(this.guard.check(target.url), timeoutMs);
      const secrets = target.previousSecret ? [target.secret, target.previousSecret] : [target.secret];
      const body = JSON.stringify(event);
      const headers = signedHeaders(secrets, event.id, Math.floor(Date.now() / 1000), body);
      outcome = await postWebhook(checked, headers, body, Math.max(1, timeoutMs - (performance.now() - started)));
    } catch (error) {
      const message = error instanceof DomainError ? `refused: ${error.message}` : error instanceof DeadlineError ? `timed out after ${timeoutMs} ms` : String(error);
      outcome = { statusCode: null, error: message, retryAfterMs: null };
    }
    const attempt: DeliveryAttempt = { at: startedAt.toISOString(), status_code: outcome.statusCode, error: outcome.error, duration_ms: Math.round(performance.now() - started) };
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode <= 299;
    const gone = outcome.statusCode === 410;
    const delay = ok || gone ? null : retryDelay(this.schedule, made, outcome);
    // Disabled before the delivery is recorded as failed: the call's next
    // delivery, sendable once this one has failed, finds the endpoint off.
    if (gone) {
      await this.db.query(DISABLE, [target.endpointId, `the receiver answered 410 Gone at ${attempt.at}`]);
      this.logger.warn({ message: 'a webhook endpoint answered 410 Gone: disabled', endpointId: target.endpointId });
    }
    return { attempt, status: ok ? 'succeeded' : delay === null ? 'failed' : 'pending', delayMs: delay ?? 0 };
  }
}

// The wait before the next attempt after `made` attempts, or null when the
// schedule is used up. A Retry-After on 429/503 counts between this step's
// delay and the next step's.
export function retryDelay(schedule: readonly number[], made: number, outcome: Pick<AttemptOutcome, 'statusCode' | 'retryAfterMs'>): number | null {
  const step = schedule[made - 1];
  if (step === undefined) return null;
  if (outcome.retryAfterMs !== null && (outcome.statusCode === 429 || outcome.statusCode === 503)) {
    const cap = Math.max(step, schedule[made] ?? step);
    return Math.min(Math.max(outcome.retryAfterMs, step), cap);
  }
  return step;
}

class DeadlineError extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError()), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
