import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Database } from '../database/database';

// What an operator watches (GET /metrics, Prometheus text, behind the
// operator token): requests by route and status with their latency, events
// applied and refused by type, idempotency conflicts, the database pool,
// and read at each scrape from the database: the oldest due scheduled call
// not yet dispatched, the webhook deliveries waiting for a retry, and the
// telephony legs on the wire. Plus Node's process metrics.
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly requestSeconds = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly events = new Counter({
    name: 'switchboard_call_events_total',
    help: 'Lifecycle events, by type, source and outcome (applied, refused)',
    labelNames: ['type', 'source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly idempotencyConflicts = new Counter({
    name: 'switchboard_idempotency_conflicts_total',
    help: 'Requests answered 409 because another request with their Idempotency-Key was still running',
    registers: [this.registry],
  });

  constructor(private readonly db: Database) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    const pool = () => this.db.poolStats();
    new Gauge({
      name: 'switchboard_db_pool_connections',
      help: 'Database connections of this instance, by state (open, idle, max)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = pool();
        this.set({ state: 'open' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'max' }, stats.max);
      },
    });
    new Gauge({
      name: 'switchboard_db_pool_waiting',
      help: 'Requests of this instance waiting for a database connection',
      registers: [this.registry],
      collect() {
        this.set(pool().waiting);
      },
    });
    const read = async (sql: string) => Number((await this.db.query<{ value: string | number | null }>(sql))[0]?.value ?? 0);
    new Gauge({
      name: 'switchboard_dispatch_lag_seconds',
      help: 'How long the oldest due scheduled call has waited for its dispatch (0: none waits)',
      registers: [this.registry],
      async collect() {
        this.set(await read(`SELECT coalesce(extract(epoch FROM now() - min(scheduled_at)), 0) AS value FROM calls WHERE status = 'scheduled' AND scheduled_at <= now()`));
      },
    });
    new Gauge({
      name: 'switchboard_webhook_deliveries_pending',
      help: 'Webhook deliveries waiting for a retry (or behind one of their call), all companies',
      registers: [this.registry],
      async collect() {
        this.set(await read(`SELECT count(*) AS value FROM webhook_deliveries WHERE status = 'pending'`));
      },
    });
    new Gauge({
      name: 'switchboard_telephony_legs_open',
      help: 'End-user legs dialing, ringing or answered, all instances',
      registers: [this.registry],
      async collect() {
        this.set(await read(`SELECT count(*) AS value FROM telephony_legs WHERE ended_at IS NULL`));
      },
    });
  }

  request(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.requestSeconds.observe({ route, method }, seconds);
  }

  event(type: string, source: string, outcome: 'applied' | 'refused'): void {
    this.events.inc({ type, source, outcome });
  }

  idempotencyConflict(): void {
    this.idempotencyConflicts.inc();
  }
}
