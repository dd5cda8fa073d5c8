import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { EventSignals, POLL_MS } from '../events/event-signals';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';

// Turns the event log into deliveries. Every enabled endpoint has a cursor,
// the last log position (tx, id) it has taken. Any instance claims endpoints
// FOR UPDATE SKIP LOCKED and, for each, in one statement, reads the
// company's log rows after the cursor in commit order, inserts a delivery
// for each row of the endpoint's types and moves the cursor past every row
// read; all in one transaction: each event becomes a delivery exactly once,
// whichever instance gets there, and a killed instance's claim returns with
// its transaction. A disabled endpoint's cursor does not move, so enabling
// it again delivers what came meanwhile.
//
// The read is EventLog's rule (src/events/event-log.ts), in SQL so that no
// row travels to this process: only rows whose tx is below the oldest
// transaction still running, so no row can appear later behind the cursor.
// A delivery carries the row's id and position; the worker builds the
// event's body from the row at each attempt.
//
// It runs when any instance committed events of a company (EventSignals;
// companies without an enabled endpoint cost nothing), and over every
// company every POLL_MS (a lost notification, an endpoint created on another
// instance or enabled again); the worker is woken once deliveries are
// committed. A lost commit of the relay (a crash of the database) loses
// cursor and deliveries together, so it does not wait for the WAL flush.
const ENDPOINTS_PER_BATCH = 50;
const MIN_GAP_MS = 50;
export const EVENTS_PER_READ = 500;

// The outgoing event's type (outgoing-event.ts): call.created, else call.<type>.
const EVENT_TYPE_SQL = `CASE WHEN e.type = 'created' THEN 'call.created' ELSE 'call.' || e.type END`;

// Endpoints of the company (or of all) with rows after their cursor.
const DUE = (oneCompany: boolean) => `SELECT 1 FROM webhook_endpoints w
  WHERE w.status = 'enabled'${oneCompany ? ' AND w.company_id = $1' : ''}
    AND EXISTS (SELECT 1 FROM call_events e WHERE e.company_id = w.company_id AND (e.tx, e.id) > (w.cursor_tx, w.cursor_id)
                   AND e.tx < pg_snapshot_xmin(pg_current_snapshot()))
  LIMIT 1`;
const ANY_DUE = { all: DUE(false), company: DUE(true) };

const claim = (oneCompany: boolean) => `SELECT id, company_id, event_types, cursor_tx::text AS cursor_tx, cursor_id, start_snapshot::text AS start_snapshot FROM webhook_endpoints
  WHERE status = 'enabled' AND id > $2${oneCompany ? ' AND company_id = $3' : ''} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`;
const CLAIM = { all: claim(false), company: claim(true) };

// One endpoint's share: $1 endpoint, $2 company, $3/$4 cursor, $5 limit,
// $6 its event types ({} = all), $7 its start snapshot.
const RELAY_ONE = `WITH ev AS (
    SELECT e.id, e.tx, e.call_id, e.seq, ${EVENT_TYPE_SQL} AS event_type
      FROM call_events e
     WHERE e.company_id = $2 AND (e.tx, e.id) > ($3::xid8, $4::bigint)
       AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.tx, e.id
     LIMIT $5),
  created AS (
    INSERT INTO webhook_deliveries (endpoint_id, company_id, event_row, event_tx, event_type, call_id, seq, next_attempt_at)
    SELECT $1, $2, ev.id, ev.tx, ev.event_type, ev.call_id, ev.seq, now() FROM ev
     WHERE (cardinality($6::text[]) = 0 OR ev.event_type = ANY($6::text[])) AND NOT pg_visible_in_snapshot(ev.tx, $7::pg_snapshot)
     ORDER BY ev.tx, ev.id
    RETURNING 1),
  last AS (SELECT tx, id FROM ev ORDER BY tx DESC, id DESC LIMIT 1),
  moved AS (UPDATE webhook_endpoints w SET cursor_tx = last.tx, cursor_id = last.id FROM last WHERE w.id = $1 RETURNING 1)
SELECT (SELECT count(*) FROM ev)::int AS read, (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM moved)::int AS moved`;

interface ClaimedEndpoint {
  id: string;
  company_id: string;
  event_types: string[];
  cursor_tx: string;
  cursor_id: string;
  start_snapshot: string;
}

// Whether a transaction had ended when the snapshot `xmin:xmax:xip,…`
// (pg_snapshot's text form) was taken: pg_visible_in_snapshot, in JS.
export function endedBefore(snapshot: string, tx: string): boolean {
  const [xmin, xmax, xip] = snapshot.split(':');
  const t = BigInt(tx);
  if (t < BigInt(xmin)) return true;
  if (t >= BigInt(xmax)) return false;
  return !(xip ?? '').split(',').filter(Boolean).some((x) => BigInt(x) === t);
}

@Injectable()
export class WebhookRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookRelay');
  private readonly dirty = new Set<string>(); // companies whose logs grew
  private subscribed = new Set<string>(); // companies with an enabled endpoint, as of the last pass
  private everything = false; // a pass over every company is due
  private running?: Promise<void>;
  private lastPass = 0;
  private poller?: NodeJS.Timeout;
  private stopSignals?: () => void;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly signals: EventSignals,
    private readonly worker: WebhookDeliveryWorker,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_ENABLED) return;
    // A company without an enabled endpoint costs its events nothing; an
    // endpoint created on another instance is found by the next full pass.
    this.stopSignals = this.signals.onChange((companyId) => {
      if (!this.subscribed.has(companyId)) return;
      this.dirty.add(companyId);
      this.kick();
    });
    this.poller = setInterval(() => {
      this.everything = true;
      this.kick();
    }, POLL_MS);
    this.poller.unref();
    this.everything = true;
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopSignals?.();
    clearInterval(this.poller);
    await this.running;
  }

  // An endpoint of the company was created or enabled on this instance:
  // its events count from now on, and what it has to take is taken now.
  subscribe(companyId: string): void {
    this.subscribed.add(companyId);
    if (!this.config.WEBHOOKS_ENABLED) return;
    this.dirty.add(companyId);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if ((this.everything || this.dirty.size > 0) && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    const created = () => this.worker.wake();
    try {
      while (!this.stopped && (this.everything || this.dirty.size > 0)) {
        // At most one pass per MIN_GAP_MS: under a stream of events, a pass
        // takes what came meanwhile in one read.
        const wait = this.lastPass + MIN_GAP_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastPass = Date.now();
        if (this.everything) {
          this.everything = false;
          this.dirty.clear();
          const rows = await this.db.query<{ company_id: string }>(`SELECT DISTINCT company_id FROM webhook_endpoints WHERE status = 'enabled'`);
          this.subscribed = new Set(rows.map((r) => String(r.company_id)));
          if (rows.length > 0) await this.relayAll(null, created);
        } else {
          const [companyId] = this.dirty;
          this.dirty.delete(companyId);
          await this.relayAll(companyId, created);
        }
      }
    } catch (error) {
      this.logFailure(error); // the next signal or poll tries again
    }
  }

  // Every enabled endpoint (of one company, or all), a batch of endpoints
  // per transaction, each taking up to EVENTS_PER_READ events; again while
  // some endpoint had more to take. `onCreated` runs after each commit that
  // created deliveries. Answers how many it created.
  async relayAll(companyId: string | null, onCreated: () => void): Promise<number> {
    let created = 0;
    for (let pass = 0; pass < 100; pass++) {
      let after = '0';
      let more = false;
      for (;;) {
        const batch = await this.relay(companyId, after, onCreated);
        created += batch.created;
        more ||= batch.more;
        if (batch.lastEndpointId === null) break;
        after = batch.lastEndpointId;
      }
      if (!more) break;
    }
    return created;
  }

  // One batch of endpoints after the endpoint id `after`: answers the
  // deliveries it created, whether an endpoint had more to take (a full
  // read), and the last endpoint it claimed when the batch was full.
  async relay(companyId: string | null, after: string, onCreated: () => void): Promise<{ created: number; more: boolean; lastEndpointId: string | null }> {
    // Nothing to take: no transaction at all (no locks, no commit).
    if (after === '0') {
      const [due] = await this.db.query(companyId === null ? ANY_DUE.all : ANY_DUE.company, companyId === null ? [] : [companyId]);
      if (!due) return { created: 0, more: false, lastEndpointId: null };
    }
    return this.db.transaction(async (tx) => {
      tx.defer(`SET LOCAL synchronous_commit = off`);
      const endpoints = await tx.query<ClaimedEndpoint>(companyId === null ? CLAIM.all : CLAIM.company, companyId === null ? [ENDPOINTS_PER_BATCH, after] : [ENDPOINTS_PER_BATCH, after, companyId]);
      // Every endpoint's statement travels with the COMMIT, in one round trip.
      const shares = endpoints.map((e) =>
        tx.deferQuery<{ read: number; created: number }>(RELAY_ONE, [e.id, e.company_id, e.cursor_tx, e.cursor_id, EVENTS_PER_READ, e.event_types, e.start_snapshot]),
      );
      await tx.commit();
      let created = 0;
      let more = false;
      for (const share of shares) {
        const [row] = await share;
        created += row.created;
        more ||= row.read === EVENTS_PER_READ;
      }
      if (created > 0) onCreated();
      return { created, more, lastEndpointId: endpoints.length === ENDPOINTS_PER_BATCH ? endpoints[endpoints.length - 1].id : null };
    });
  }

  logFailure(error: unknown): void {
    this.logger.warn({ message: 'relaying events to webhooks failed; trying again', error: error instanceof Error ? error.message : String(error) });
  }
}
