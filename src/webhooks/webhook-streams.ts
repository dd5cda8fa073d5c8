import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { EventSignals, POLL_MS } from '../events/event-signals';
import { EndpointStream, LeasedEndpoint } from './endpoint-stream';
import { WebhookAttempts } from './webhook-attempts';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';

// Which instance streams which endpoint (endpoint-stream.ts). Every
// enabled endpoint is leased by one instance at a time: every POLL_MS each
// instance renews its leases (the answer also carries the endpoint's
// current URL, secrets and types), drops the streams of endpoints that were
// disabled or deleted, says it is alive (webhook_instances), and takes free
// endpoints up to its share — the enabled endpoints divided by the live
// instances — giving back what it holds beyond its share, so a new instance
// gets work.
// The lease of a killed instance runs out after WebhookAttempts.leaseMs (an
// attempt's deadline twice over), and another instance goes on from the
// endpoint's cursor.
//
// A stream reads when any instance committed events of its company
// (EventSignals) and at every pass (a lost notification).
const COLUMNS = `e.id, e.company_id, co.key AS company_key, e.url, e.secret,
  CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret,
  e.event_types, e.start_snapshot::text AS start_snapshot, e.cursor_tx::text AS cursor_tx, e.cursor_id`;

const RENEW = `UPDATE webhook_endpoints e SET lease_until = now() + make_interval(secs => $2::float8 / 1000)
  FROM companies co WHERE co.id = e.company_id AND e.lease_owner = $1 AND e.status = 'enabled'
  RETURNING ${COLUMNS}`;

// $1 this instance, $2 how long an instance counts as alive since it was seen.
const SHARE = `WITH seen AS (
    INSERT INTO webhook_instances (owner, seen_at) VALUES ($1, now()) ON CONFLICT (owner) DO UPDATE SET seen_at = now()),
  gone AS (DELETE FROM webhook_instances WHERE seen_at < now() - interval '1 day')
SELECT (SELECT count(*) FROM webhook_endpoints WHERE status = 'enabled')::int AS enabled,
       (SELECT count(*) FROM webhook_instances WHERE owner <> $1 AND seen_at > now() - make_interval(secs => $2::float8 / 1000))::int AS others`;

const GONE = `DELETE FROM webhook_instances WHERE owner = $1`;

const TAKE = `UPDATE webhook_endpoints e SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
  FROM companies co
 WHERE co.id = e.company_id AND e.id IN (
   SELECT id FROM webhook_endpoints
    WHERE status = 'enabled' AND (lease_owner IS NULL OR lease_until < now() OR (lease_owner = $1 AND NOT id = ANY($4::bigint[])))
    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
 RETURNING ${COLUMNS}`;

@Injectable()
export class WebhookStreams implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookStreams');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly streams = new Map<string, EndpointStream>();
  private readonly stopping = new Map<string, Promise<void>>(); // given back, writing their last outcomes
  private passing?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopSignals?: () => void;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly signals: EventSignals,
    private readonly attempts: WebhookAttempts,
    private readonly worker: WebhookDeliveryWorker,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_ENABLED) return;
    this.stopSignals = this.signals.onChange((companyId) => {
      for (const stream of this.streams.values()) if (stream.companyId === companyId) stream.wake();
    });
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopSignals?.();
    clearInterval(this.timer);
    await this.passing;
    for (const [id, stream] of this.streams) this.drop(id, stream);
    await Promise.all(this.stopping.values());
    await this.db.query(GONE, [this.owner]).catch(() => undefined);
  }

  // An endpoint was created or enabled (or changed) on this instance: a
  // pass now, rather than at the next tick.
  subscribe(): void {
    if (this.config.WEBHOOKS_ENABLED) this.kick();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.pass()
      .catch((error) => this.logger.warn({ message: 'leasing webhook endpoints failed; trying again', error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        this.passing = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const leaseMs = this.attempts.leaseMs;
    const renewed = await this.db.query<LeasedEndpoint>(RENEW, [this.owner, leaseMs]);
    const held = new Set(renewed.map((e) => String(e.id)));
    for (const [id, stream] of this.streams) {
      if (!held.has(id)) this.drop(id, stream); // disabled, deleted, or taken over
    }
    for (const endpoint of renewed) this.streams.get(String(endpoint.id))?.update(endpoint);

    const [{ enabled, others }] = await this.db.query<{ enabled: number; others: number }>(SHARE, [this.owner, leaseMs]);
    const share = Math.ceil(enabled / (others + 1));
    if (this.streams.size < share && !this.stopped) {
      const taken = await this.db.query<LeasedEndpoint>(TAKE, [this.owner, leaseMs, share - this.streams.size, [...this.streams.keys(), ...this.stopping.keys()]]);
      for (const endpoint of taken) this.start(endpoint);
    } else if (this.streams.size > share) {
      for (const [id, stream] of [...this.streams].slice(share)) this.drop(id, stream);
    }
    for (const stream of this.streams.values()) stream.wake();
  }

  private start(endpoint: LeasedEndpoint): void {
    const id = String(endpoint.id);
    const stream = new EndpointStream(endpoint, this.owner, this.db, this.attempts, {
      stored: (delayMs) => this.worker.wakeIn(delayMs),
      lost: (endpointId) => {
        if (this.streams.get(endpointId) === stream) this.streams.delete(endpointId);
      },
    });
    this.streams.set(id, stream);
    stream.wake();
  }

  // Not taken again by this instance until its stream has stopped and
  // given the lease back.
  private drop(id: string, stream: EndpointStream): void {
    this.streams.delete(id);
    const stopped = stream.stop().finally(() => this.stopping.delete(id));
    this.stopping.set(id, stopped);
  }
}
