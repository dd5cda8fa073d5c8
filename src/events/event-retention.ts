import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';

// Retention of outgoing events (shared spec events-api.md): the payload of
// an event — the call as it left it, call_events.call_view — is kept
// EVENT_RETENTION_HOURS (at least 24 h by default) and then emptied. The log
// rows themselves stay: they are the call's history (GET /calls/:id/events).
// Rows with a dedupe key (event_id) keep their view for good: a retry with
// the same key is answered from it.
//
// Every instance runs the sweep; one at a time does the work. The cursor is
// one row (event_retention.swept_to: every row up to that id is past the
// retention or kept for good), claimed with FOR UPDATE SKIP LOCKED by the
// statement itself, so a second instance skips a sweep in progress rather
// than waiting for it. A batch is one statement over the next BATCH_SIZE
// rows by primary key: it empties the old ones it can lock (SKIP LOCKED: it
// never waits for a writer, and holds no lock on a row writers touch — new
// rows are never old) and moves the cursor up to the first row that is still
// young or that it could not lock, so nothing is passed over. Readers never
// see an emptied payload as data: the stream answers `event: reset`, the list
// 410 (src/live/).
export const BATCH_SIZE = 1000;
export const SWEEP_EVERY_MS = 60_000;
const MAX_BIGINT = '9223372036854775807';

const SWEEP = `WITH cursor AS (SELECT swept_to FROM event_retention FOR UPDATE SKIP LOCKED),
  range AS (
    SELECT e.id, e.created_at < now() - make_interval(hours => $1::int) AS old, e.call_view IS NOT NULL AND e.event_id IS NULL AS clearable
      FROM call_events e
     WHERE e.id > (SELECT swept_to FROM cursor)
     ORDER BY e.id LIMIT $2),
  young AS (SELECT coalesce(min(id), ${MAX_BIGINT}) AS id FROM range WHERE NOT old),
  locked AS (
    SELECT e.id FROM call_events e
     WHERE e.id IN (SELECT id FROM range WHERE old AND clearable AND id < (SELECT id FROM young))
       AND e.call_view IS NOT NULL AND e.event_id IS NULL
     FOR UPDATE SKIP LOCKED),
  emptied AS (UPDATE call_events e SET call_view = NULL FROM locked WHERE e.id = locked.id RETURNING e.id),
  stop AS (
    SELECT least((SELECT id FROM young),
                 (SELECT min(r.id) FROM range r WHERE r.old AND r.clearable AND r.id NOT IN (SELECT id FROM locked))) AS id),
  moved AS (
    UPDATE event_retention SET swept_to = coalesce((SELECT max(r.id) FROM range r WHERE r.id < (SELECT id FROM stop)), swept_to)
     WHERE EXISTS (SELECT 1 FROM cursor)
    RETURNING swept_to)
SELECT (SELECT count(*) FROM cursor)::int AS claimed, (SELECT count(*) FROM range)::int AS scanned,
       (SELECT count(*) FROM emptied)::int AS emptied, (SELECT id FROM stop) < ${MAX_BIGINT} AS stopped`;

export interface SweepResult {
  emptied: number;
  batches: number;
}

@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventRetention');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  // Empties the payloads past the retention, batch after batch, until the
  // cursor meets a young row (or another instance is sweeping). One sweep
  // at a time in this instance.
  sweep(batchSize = BATCH_SIZE): Promise<SweepResult> {
    const next = this.running.catch(() => undefined).then(() => this.sweepNow(batchSize));
    this.running = next;
    return next;
  }

  private async sweepNow(batchSize: number): Promise<SweepResult> {
    const result: SweepResult = { emptied: 0, batches: 0 };
    while (!this.stopped) {
      const [row] = await this.db.query(SWEEP, [this.config.EVENT_RETENTION_HOURS, batchSize]);
      if (row.claimed === 0) break; // another instance is sweeping
      result.batches += 1;
      result.emptied += row.emptied;
      if (row.stopped || row.scanned < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve)); // let requests in between batches
    }
    return result;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .then((result) => {
          if (result.emptied > 0) this.logger.log({ message: 'emptied event payloads past the retention', ...result, retentionHours: this.config.EVENT_RETENTION_HOURS });
        })
        .catch((error) => this.logger.warn({ message: 'the retention sweep failed; trying again later', error: error instanceof Error ? error.message : String(error) }))
        .finally(() => this.schedule());
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }
}
