import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';

// Delivery records are kept EVENT_RETENTION_HOURS (at least) and then
// removed, in batches of BATCH rows per statement, each its own short
// transaction; rows another transaction holds are skipped (SKIP LOCKED), so
// the sweep never waits for, or blocks, the worker's writes. A delivery
// still pending is kept until it has succeeded or failed for good.
const BATCH = 1000;
const SWEEP_EVERY_MS = 60_000;

// Along the primary key (ids grow with created_at): the first row younger
// than the retention bounds the batches, so each reads little more than it
// removes, without an index of its own.
const BOUNDARY = `SELECT id FROM webhook_deliveries WHERE created_at >= now() - make_interval(hours => $1) ORDER BY id LIMIT 1`;
const SWEEP = `DELETE FROM webhook_deliveries WHERE id IN (
  SELECT id FROM webhook_deliveries
   WHERE id < $3 AND status <> 'pending' AND created_at < now() - make_interval(hours => $1)
   ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)`;

@Injectable()
export class WebhookRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_ENABLED) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error) => this.logger.warn({ message: 'removing old webhook deliveries failed', error: error instanceof Error ? error.message : String(error) }))
        .finally(() => (this.running = undefined));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  // Removes every finished delivery older than the retention; answers how many.
  async sweep(hours = this.config.EVENT_RETENTION_HOURS, batch = BATCH): Promise<number> {
    let removed = 0;
    const [young] = await this.db.query<{ id: string }>(BOUNDARY, [hours]);
    const boundary = young?.id ?? '9223372036854775807';
    for (;;) {
      const rows = await this.db.query(`${SWEEP} RETURNING id`, [hours, batch, boundary]);
      removed += rows.length;
      if (rows.length < batch || this.stopped) return removed;
    }
  }
}
