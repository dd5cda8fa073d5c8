import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { eventRowOf } from '../events/event-log';
import { OutgoingEvent, outgoingEvent } from '../events/outgoing-event';
import { Database } from '../database/database';
import { WebhookAttempts } from './webhook-attempts';
import { closeWebhookConnections } from './webhook-sender';

// Carries out the stored deliveries, in every instance that runs with
// WEBHOOKS_ENABLED: the retries of deliveries whose first attempt failed
// (the streams, webhook-streams.ts, make every first attempt), the events
// queued behind them, and deliveries retried through the API.
//
// The claim: due pending deliveries of enabled endpoints, oldest first, each
// only when no earlier delivery (lower seq) of the same endpoint and call is
// still pending — so one call's events reach an endpoint in order, while
// different calls go concurrently. Claimed rows get a lease (FOR UPDATE
// SKIP LOCKED, committed at once): no other instance takes them while it
// runs. The attempt is made outside any transaction; its outcome is recorded
// only if the lease is still ours. An instance killed mid-attempt leaves its
// lease to expire, and the delivery is attempted again (at least once).
//
// Wakes when a stream stored deliveries to retry or was asked to (a retry,
// an endpoint enabled), when an attempt finished, when a retry falls due,
// and polls every POLL_MS for the rest (other instances' deliveries).
export const POLL_MS = 500;
const CONCURRENCY = 256; // attempts in flight per instance
const PER_ENDPOINT = 64; // of them, to one endpoint: a hanging receiver cannot take every slot
const CLAIM_BATCH = 64;
// One claim, and one write of outcomes, at a time and at most one per
// BATCH_GAP_MS: under load, the attempts that finished meanwhile are
// refilled by one claim and recorded by one statement, not one each.
const BATCH_GAP_MS = 10;

const CLAIM = `WITH due AS (
  SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
   WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
     AND e.status = 'enabled' AND NOT d.endpoint_id = ANY($3::bigint[])
     -- the lowest pending seq of its (endpoint, call): a probe of the order
     -- index per candidate (as NOT EXISTS it may become a hash anti-join
     -- that reads every delivery on each claim)
     AND d.seq = (SELECT min(p.seq) FROM webhook_deliveries p
                   WHERE p.endpoint_id = d.endpoint_id AND p.call_id = d.call_id AND p.status = 'pending')
   ORDER BY d.next_attempt_at, d.id
   LIMIT $1
   FOR UPDATE OF d SKIP LOCKED)
UPDATE webhook_deliveries d SET lease_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000),
       -- Due again only when the lease runs out (the attempt's outcome lost):
       -- the due index then skips deliveries in flight, instead of every
       -- claim reading them all again.
       next_attempt_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
  FROM due, webhook_endpoints e, call_events ev, companies co
 WHERE d.id = due.id AND e.id = d.endpoint_id AND ev.id = d.event_row AND co.id = d.company_id
RETURNING d.id, d.endpoint_id, jsonb_array_length(d.attempts) AS attempts, d.lease_until::text AS lease,
          e.url, e.secret, CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret,
          ev.tx::text AS tx, ev.id AS event_row, ev.call_id, ev.seq, ev.type, ev.from_status, ev.to_status, ev.data, ev.created_at,
          ev.call_view, ev.response, co.key AS company_key`;

// Outcomes are recorded in batches (one statement for every attempt that
// finished while the previous batch was being written), each only where the
// lease is still the one the attempt was made under.
const RECORD = `UPDATE webhook_deliveries d
   SET attempts = d.attempts || r.attempt, status = r.status, lease_until = NULL,
       next_attempt_at = CASE WHEN r.status = 'pending' THEN clock_timestamp() + make_interval(secs => r.delay / 1000) ELSE d.next_attempt_at END
  FROM unnest($1::bigint[], $2::timestamptz[], $3::jsonb[], $4::text[], $5::float8[]) AS r(id, lease, attempt, status, delay)
 WHERE d.id = ANY($1::bigint[]) AND d.id = r.id AND d.lease_until = r.lease`;

interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  attempts: number;
  lease: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  // the event's log row
  tx: string;
  event_row: string;
  call_id: string;
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string;
  data: Record<string, unknown>;
  created_at: Date;
  call_view: unknown;
  response: unknown;
  company_key: string;
}

// The body of an attempt: the event JSON, with the call as that event left
// it (the log row's view; null once retention emptied it).
function eventOf(d: ClaimedDelivery): OutgoingEvent {
  return outgoingEvent(eventRowOf({ ...d, id: d.event_row }));
}

interface Outcome {
  id: string;
  lease: string;
  attempt: string; // [the attempt], JSON
  status: 'pending' | 'succeeded' | 'failed';
  delay: number;
}

@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly inFlight = new Map<string, number>(); // endpoint → attempts in flight
  private running = 0;
  private readonly inProgress = new Set<Promise<void>>();
  private enabled = false;
  private stopped = false;
  private pumping = false;
  private lastClaim = 0;
  private lastRecord = 0;
  private again = false;
  private wakeQueued = false;
  private poller?: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly toRecord: Array<{ outcome: Outcome; resolve: () => void; reject: (error: unknown) => void }> = [];
  private recording?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly attempts: WebhookAttempts,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_ENABLED) return;
    this.enabled = true;
    this.poller = setInterval(() => this.wake(), POLL_MS);
    this.poller.unref();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (!this.enabled) return;
    clearInterval(this.poller);
    for (const timer of this.timers) clearTimeout(timer);
    // Attempts in flight end within their timeout; their outcome is recorded.
    await Promise.allSettled([...this.inProgress]);
  }

  // After every attempt of the streams ended too (their own shutdown hook).
  onApplicationShutdown(): void {
    closeWebhookConnections();
  }

  // Look for due deliveries soon (coalesced: many wake-ups, one claim).
  wake(): void {
    if (!this.enabled || this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.running < CONCURRENCY) {
          const wait = this.lastClaim + BATCH_GAP_MS - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          this.lastClaim = Date.now();
          const room = Math.min(CLAIM_BATCH, CONCURRENCY - this.running);
          const saturated = [...this.inFlight].filter(([, n]) => n >= PER_ENDPOINT).map(([id]) => id);
          // Not waiting for the WAL flush either: a lease lost to a crash
          // of the database can only make an attempt happen twice.
          const claimed = await this.db.transaction(async (tx) => {
            tx.defer(`SET LOCAL synchronous_commit = off`);
            return tx.query<ClaimedDelivery>(CLAIM, [room, this.attempts.leaseMs, saturated]);
          });
          for (const delivery of claimed) this.start(delivery);
          if (claimed.length < room) break;
        }
      } while (this.again && !this.stopped && this.running < CONCURRENCY);
    } catch (error) {
      this.logger.warn({ message: 'claiming webhook deliveries failed; trying again', error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.pumping = false;
    }
  }

  private start(delivery: ClaimedDelivery): void {
    this.running += 1;
    this.inFlight.set(delivery.endpoint_id, (this.inFlight.get(delivery.endpoint_id) ?? 0) + 1);
    const attempt = this.attempt(delivery)
      .catch((error) => this.logger.error({ message: 'a webhook attempt failed to be recorded', deliveryId: delivery.id, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        this.running -= 1;
        const left = (this.inFlight.get(delivery.endpoint_id) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(delivery.endpoint_id);
        else this.inFlight.set(delivery.endpoint_id, left);
        this.inProgress.delete(attempt);
        this.wake();
      });
    this.inProgress.add(attempt);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const target = { endpointId: delivery.endpoint_id, url: delivery.url, secret: delivery.secret, previousSecret: delivery.previous_secret };
    const result = await this.attempts.make(target, eventOf(delivery), delivery.attempts + 1);
    await this.record({ id: delivery.id, lease: delivery.lease, attempt: JSON.stringify([result.attempt]), status: result.status, delay: result.delayMs });
    if (result.status === 'pending') this.wakeIn(result.delayMs);
  }

  private record(outcome: Outcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.toRecord.push({ outcome, resolve, reject });
      if (!this.recording) this.recording = this.flushRecords().finally(() => (this.recording = undefined));
    });
  }

  private async flushRecords(): Promise<void> {
    while (this.toRecord.length > 0) {
      const wait = this.lastRecord + BATCH_GAP_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastRecord = Date.now();
      const batch = this.toRecord.splice(0, 500);
      const o = batch.map((b) => b.outcome);
      try {
        // Not waiting for the WAL flush: an outcome lost to a crash of the
        // database is an attempt made again (at least once), never one lost.
        await this.db.transaction(async (tx) => {
          tx.defer(`SET LOCAL synchronous_commit = off`);
          await tx.query(RECORD, [o.map((x) => x.id), o.map((x) => x.lease), o.map((x) => x.attempt), o.map((x) => x.status), o.map((x) => x.delay)]);
        });
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  }

  // Deliveries fall due in `ms` (sooner than the next poll, or it finds them).
  wakeIn(ms: number): void {
    if (!this.enabled || this.stopped || ms >= POLL_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, ms + 5);
    timer.unref();
    this.timers.add(timer);
  }
}
