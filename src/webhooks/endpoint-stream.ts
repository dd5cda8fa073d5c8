import { Logger } from '@nestjs/common';
import { Database } from '../database/database';
import { EventPosition, eventRowOf } from '../events/event-log';
import { outgoingEvent, outgoingEventTypeSql } from '../events/outgoing-event';
import type { AttemptResult, WebhookAttempts } from './webhook-attempts';

// One endpoint's deliveries, streamed by the instance that leases it
// (webhook-streams.ts): its events are read from the company's event log
// after the endpoint's cursor, in commit order, and each is sent at once —
// one call's events one after another, different calls concurrently — and
// only its outcome is written: one delivery row per event, many to a
// statement. A delivery whose first attempt failed is written pending, and
// the delivery worker retries it from there (webhook-delivery.worker.ts);
// so is every later event of the same call, queued behind it, so that the
// call's order holds.
//
// Exactly once, and at least once: the cursor moves in the statement that
// writes the rows, past the events that all have their row; that statement
// writes only while the lease is still this instance's (a fence on
// lease_owner), so an instance that lost its lease writes nothing. A new
// holder starts at the cursor and skips the events that already have a row
// (written out of order, behind an event still in flight). What it sends
// again is what was in flight when the last holder died: a call's next
// event is sent only once its previous one's row is committed, so that is
// at most one per call.
//
// The read is EventLog's rule (src/events/event-log.ts), in SQL so that no
// skipped row travels to this process: only rows whose tx is below the
// oldest transaction still running, so no row can appear later behind the
// cursor; minus the endpoint's start snapshot (the events committed before
// it was created) and the types it did not subscribe to.
export const PER_ENDPOINT = 64; // attempts in flight to one endpoint from one instance
const WINDOW = 2000; // events read and not yet written, per endpoint
const EVENTS_PER_READ = 500;
// Under a stream of events, a read takes what came meanwhile at most every
// READ_GAP_MS, and one write records what finished meanwhile at most every
// WRITE_GAP_MS — or as soon as the write before it is done when an outcome
// holds up its call's next event (which waits for that row): under a
// backlog, rows are what paces each call.
const READ_GAP_MS = 20;
const WRITE_GAP_MS = 20;
const RETRY_AFTER_ERROR_MS = 1000;


// $1 company, $2/$3 after, $4 limit, $5 endpoint. Nothing while the
// endpoint is disabled (or gone). One row per wanted event — not in the
// endpoint's start snapshot, of a type it subscribed to — each with
// `blocked` (a pending delivery of its call waits in the table); on every
// row the last position read, how many rows were read, and the endpoint's
// URL and secrets as they are now (a rotation or a new URL applies from the
// next read on); a single row of nulls but those when none of the rows read
// is wanted; no row when there was nothing to read.
const READ = `WITH ep AS (
    SELECT url, secret, CASE WHEN previous_secret_until > now() THEN previous_secret END AS previous_secret, event_types, start_snapshot
      FROM webhook_endpoints WHERE id = $5 AND status = 'enabled'),
  ev AS (
    SELECT e.id, e.tx, e.call_id, e.seq, e.type, ${outgoingEventTypeSql('e.type')} AS event_type, e.from_status, e.to_status, e.data, e.created_at, e.call_view, e.response
      FROM call_events e
     WHERE EXISTS (SELECT 1 FROM ep) AND e.company_id = $1 AND (e.tx, e.id) > ($2::xid8, $3::bigint)
       AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.tx, e.id
     LIMIT $4),
  last AS (SELECT tx, id, (SELECT count(*) FROM ev)::int AS scanned FROM ev ORDER BY tx DESC, id DESC LIMIT 1)
SELECT ep.url, ep.secret, ep.previous_secret, last.tx::text AS last_tx, last.id AS last_id, last.scanned,
       w.tx::text AS tx, w.id, w.call_id, w.seq, w.type, w.event_type, w.from_status, w.to_status, w.data, w.created_at, w.call_view, w.response,
       EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = $5 AND d.call_id = w.call_id AND d.status = 'pending') AS blocked
  FROM ep CROSS JOIN last
  LEFT JOIN ev w ON NOT pg_visible_in_snapshot(w.tx, ep.start_snapshot) AND (cardinality(ep.event_types) = 0 OR w.event_type = ANY(ep.event_types))
 ORDER BY w.tx, w.id`;

// The events after the cursor that already have their row (a new holder's start).
const STORED_AFTER = `SELECT event_row FROM webhook_deliveries WHERE endpoint_id = $1 AND (event_tx, event_row) > ($2::xid8, $3::bigint)`;

// The rows of finished first attempts (and of events queued behind a
// pending delivery of their call), and the cursor, only while the lease is
// ours. $1 endpoint, $2 owner, $3/$4 the cursor, then one array per column.
const WRITE = `WITH fence AS (
    UPDATE webhook_endpoints SET cursor_tx = $3::xid8, cursor_id = $4::bigint WHERE id = $1 AND lease_owner = $2 RETURNING id, company_id),
  stored AS (
    INSERT INTO webhook_deliveries (endpoint_id, company_id, event_row, event_tx, event_type, call_id, seq, status, attempts, next_attempt_at)
    SELECT fence.id, fence.company_id, r.event_row, r.event_tx, r.event_type, r.call_id, r.seq, r.status, r.attempts,
           CASE WHEN r.status = 'pending' THEN clock_timestamp() + make_interval(secs => r.delay / 1000) END
      FROM fence, unnest($5::bigint[], $6::xid8[], $7::text[], $8::bigint[], $9::int[], $10::text[], $11::jsonb[], $12::float8[])
           AS r(event_row, event_tx, event_type, call_id, seq, status, attempts, delay)
    ON CONFLICT (endpoint_id, event_tx, event_row) DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM fence)::int AS fenced, (SELECT count(*) FROM stored)::int AS stored`;

const RELEASE = `UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`;

// The endpoint as its lease answers it (renewed every pass, so a changed
// URL, secret or type list reaches the stream).
export interface LeasedEndpoint {
  id: string;
  company_id: string;
  company_key: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  event_types: string[];
  start_snapshot: string;
  cursor_tx: string;
  cursor_id: string;
}

interface ReadRow {
  url: string;
  secret: string;
  previous_secret: string | null;
  last_tx: string;
  last_id: string;
  scanned: number;
  tx: string | null;
  id: string;
  call_id: string;
  seq: number;
  type: string;
  event_type: string;
  from_status: string | null;
  to_status: string;
  data: Record<string, unknown>;
  created_at: Date;
  call_view: unknown;
  response: unknown;
  blocked: boolean;
}

// An event read and not yet written. `before`: the position before it (the
// previous wanted event, or where its read started): once every event
// before it is written, the cursor may move there.
interface Entry {
  row: ReadRow & { tx: string };
  position: EventPosition;
  before: EventPosition;
  state: 'waiting' | 'sending' | 'settled' | 'writing';
  status?: AttemptResult['status'];
  attempts?: string; // JSON array
  delayMs?: number;
}

export interface StreamHooks {
  // Pending deliveries were written, the first due after `delayMs`.
  stored(delayMs: number): void;
  // The lease was lost to another instance: the stream has stopped.
  lost(endpointId: string): void;
}

const samePosition = (a: EventPosition, b: EventPosition) => a.tx === b.tx && a.id === b.id;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class EndpointStream {
  private readonly logger = new Logger('WebhookStream');
  private readCursor: EventPosition;
  private written: EventPosition;
  private readonly entries: Entry[] = []; // in commit order
  private readonly calls = new Map<string, Entry[]>(); // each call's entries, in order
  private readonly ready: string[] = []; // calls whose first entry may be sent
  private readonly settled: Entry[] = [];
  private readonly queuedBehind = new Map<string, number>(); // call → its pending rows not yet committed
  private storedAfterCursor: Set<string> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private wantRead = true;
  private writeNow = false; // a settled entry holds up its call's next one
  private lastRead = 0;
  private lastWrite = 0;
  private lastReadFull = false;
  private active = false;
  private halted = false; // no more reads or attempts (stopping, 410, lease lost)
  private leaseLost = false;
  private done?: Promise<void>;

  constructor(
    private endpoint: LeasedEndpoint,
    private readonly owner: string,
    private readonly db: Database,
    private readonly attempts: WebhookAttempts,
    private readonly hooks: StreamHooks,
  ) {
    this.readCursor = { tx: endpoint.cursor_tx, id: String(endpoint.cursor_id) };
    this.written = this.readCursor;
  }

  get companyId(): string {
    return this.endpoint.company_id;
  }

  // The endpoint's settings as the lease's renewal answered them.
  update(endpoint: LeasedEndpoint): void {
    this.endpoint = endpoint;
  }

  // The log may have grown.
  wake(): void {
    this.wantRead = true;
    this.pump();
  }

  // Stops reading and sending; waits for the attempts in flight, writes
  // their outcomes and gives the lease back.
  stop(): Promise<void> {
    this.done ??= (async () => {
      this.halted = true;
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      while (this.active) await sleep(WRITE_GAP_MS);
      if (this.settled.length > 0 && !this.leaseLost) await this.write().catch((error) => this.logFailure('writing webhook deliveries', error));
      await this.db.query(RELEASE, [this.endpoint.id, this.owner]).catch(() => undefined); // else it runs out
    })();
    return this.done;
  }

  private pump(): void {
    if (this.active || this.done) return;
    this.active = true;
    void this.run();
  }

  // The one loop of the stream: reads and writes never overlap, so a read
  // always sees every row this stream wrote before it.
  private async run(): Promise<void> {
    try {
      for (;;) {
        let waitMs = Infinity;
        let worked = false;
        try {
          if (this.settled.length > 0 || (this.entries.length === 0 && !samePosition(this.readCursor, this.written))) {
            const wait = this.writeNow ? 0 : this.lastWrite + WRITE_GAP_MS - Date.now();
            if (wait <= 0) {
              await this.write();
              worked = true;
            } else waitMs = wait;
          }
          if (this.wantRead && !this.halted && this.entries.length < WINDOW) {
            const wait = this.lastReadFull ? 0 : this.lastRead + READ_GAP_MS - Date.now();
            if (wait <= 0) {
              this.wantRead = false;
              await this.read();
              worked = true;
            } else waitMs = Math.min(waitMs, wait);
          }
        } catch (error) {
          this.logFailure('streaming webhook deliveries', error);
          this.wantRead = true;
          waitMs = RETRY_AFTER_ERROR_MS;
          worked = false;
        }
        this.dispatch();
        if (this.leaseLost || (this.halted && this.settled.length === 0)) return;
        if (!worked) {
          if (waitMs === Infinity) return;
          await sleep(waitMs);
        }
      }
    } finally {
      this.active = false; // set before any other pump() can run
    }
  }

  private async read(): Promise<void> {
    const e = this.endpoint;
    if (this.storedAfterCursor === null) {
      const stored = await this.db.query<{ event_row: string }>(STORED_AFTER, [e.id, this.readCursor.tx, this.readCursor.id]);
      this.storedAfterCursor = new Set(stored.map((r) => String(r.event_row)));
    }
    this.lastRead = Date.now();
    const start = this.readCursor;
    const rows = await this.db.query<ReadRow>(READ, [e.company_id, start.tx, start.id, EVENTS_PER_READ, e.id]);
    if (rows.length === 0) {
      this.lastReadFull = false;
      return;
    }
    const [{ url, secret, previous_secret }] = rows;
    this.endpoint = { ...this.endpoint, url, secret, previous_secret };
    let before = this.entries.at(-1)?.position ?? start;
    for (const row of rows) {
      if (row.tx === null) continue;
      const id = String(row.id);
      if (this.storedAfterCursor.delete(id)) continue; // a last holder wrote it
      const entry: Entry = { row: row as Entry['row'], position: { tx: row.tx, id }, before, state: 'waiting' };
      before = entry.position;
      this.entries.push(entry);
      const callId = String(row.call_id);
      const queue = this.calls.get(callId);
      if (queue) {
        if (queue.some((earlier) => earlier.state === 'settled')) this.writeNow = true;
        queue.push(entry);
      } else this.calls.set(callId, [entry]);
      if (row.blocked || this.queuedBehind.has(callId)) this.queueBehind(callId, entry);
      else if (!queue) this.ready.push(callId);
    }
    this.readCursor = { tx: rows[0].last_tx, id: String(rows[0].last_id) };
    // A full read leaves more to read at once.
    this.lastReadFull = rows[0].scanned >= EVENTS_PER_READ;
    if (this.lastReadFull) this.wantRead = true;
  }

  // Attempts for the calls whose next event is free to go.
  private dispatch(): void {
    while (!this.halted && this.inFlight.size < PER_ENDPOINT && this.ready.length > 0) {
      const callId = this.ready.shift()!;
      const head = this.calls.get(callId)?.[0];
      if (head?.state === 'waiting') this.send(callId, head);
    }
  }

  private send(callId: string, entry: Entry): void {
    entry.state = 'sending';
    const e = this.endpoint;
    const target = { endpointId: e.id, url: e.url, secret: e.secret, previousSecret: e.previous_secret };
    const event = outgoingEvent(eventRowOf({ ...entry.row, company_key: e.company_key }));
    const attempt = this.attempts
      .make(target, event, 1)
      .then(
        (result) => {
          this.settle(entry, result.status, JSON.stringify([result.attempt]), result.delayMs);
          if (result.status === 'pending') this.blockCall(callId);
          if (result.attempt.status_code === 410) this.halted = true; // the endpoint is disabled
        },
        (error) => {
          // Not an attempt that went wrong (those are outcomes) but this
          // process: the event goes back to be sent again.
          this.logFailure('a webhook attempt', error);
          entry.state = 'waiting';
          this.ready.unshift(callId);
        },
      )
      .finally(() => {
        this.inFlight.delete(attempt);
        // The freed slot goes to the next call at once, not after the
        // loop's current read or write.
        this.dispatch();
        this.pump();
      });
    this.inFlight.add(attempt);
  }

  private settle(entry: Entry, status: AttemptResult['status'], attempts: string, delayMs: number): void {
    if (this.leaseLost) return;
    entry.state = 'settled';
    entry.status = status;
    entry.attempts = attempts;
    entry.delayMs = delayMs;
    this.settled.push(entry);
    const queue = this.calls.get(String(entry.row.call_id));
    if (queue && queue[queue.length - 1] !== entry) this.writeNow = true;
  }

  // The call's delivery failed and waits for its retry: every later event
  // of the call is written pending behind it, and the worker sends them in
  // order once it has succeeded (or failed for good).
  // Until the rows are committed this stream keeps the count itself
  // (queuedBehind, the failed one included); then the table says it.
  private blockCall(callId: string): void {
    this.queuedBehind.set(callId, (this.queuedBehind.get(callId) ?? 0) + 1);
    for (const entry of this.calls.get(callId) ?? []) if (entry.state === 'waiting') this.queueBehind(callId, entry);
  }

  private queueBehind(callId: string, entry: Entry): void {
    this.settle(entry, 'pending', '[]', 0);
    this.queuedBehind.set(callId, (this.queuedBehind.get(callId) ?? 0) + 1);
  }

  // Writes the settled entries and moves the cursor past every entry
  // written (and every skipped row before the first one not written).
  private async write(): Promise<void> {
    this.lastWrite = Date.now();
    const batch = this.settled.splice(0);
    this.writeNow = false;
    for (const entry of batch) entry.state = 'writing';
    const firstOpen = this.entries.find((entry) => entry.state !== 'writing');
    const cursor = firstOpen ? firstOpen.before : this.readCursor;
    let fenced: number;
    try {
      // Not waiting for the WAL flush: rows lost to a crash of the database
      // go with the cursor, and their events are sent again (at least once).
      const values = [
        this.endpoint.id,
        this.owner,
        cursor.tx,
        cursor.id,
        batch.map((x) => x.position.id),
        batch.map((x) => x.position.tx),
        batch.map((x) => x.row.event_type),
        batch.map((x) => x.row.call_id),
        batch.map((x) => x.row.seq),
        batch.map((x) => x.status),
        batch.map((x) => x.attempts),
        batch.map((x) => x.delayMs),
      ];
      // BEGIN, SET, the write and COMMIT in one round trip.
      [{ fenced }] = await this.db.transaction(async (tx) => {
        tx.defer(`SET LOCAL synchronous_commit = off`);
        const written = tx.deferQuery<{ fenced: number }>(WRITE, values);
        await tx.commit();
        return written;
      });
    } catch (error) {
      for (const entry of batch) entry.state = 'settled';
      this.settled.unshift(...batch);
      this.writeNow = true;
      throw error;
    }
    if (fenced === 0) {
      // Another instance holds the endpoint now: it starts from the cursor
      // this stream last wrote; nothing of this one is kept.
      this.halted = true;
      this.leaseLost = true;
      this.settled.length = 0;
      this.hooks.lost(this.endpoint.id);
      return;
    }
    this.written = cursor;
    let firstDue = Infinity;
    // Entries written out of order (state 'writing' from then on) stay in
    // `entries` until every entry before them is written.
    while (this.entries.length > 0 && this.entries[0].state === 'writing') this.entries.shift();
    for (const entry of batch) {
      const callId = String(entry.row.call_id);
      if (entry.status === 'pending') {
        firstDue = Math.min(firstDue, entry.delayMs ?? 0);
        const left = (this.queuedBehind.get(callId) ?? 1) - 1;
        // Committed: from now on the table itself says the call is blocked.
        if (left <= 0) this.queuedBehind.delete(callId);
        else this.queuedBehind.set(callId, left);
      }
      const queue = this.calls.get(callId)!;
      const at = queue.indexOf(entry);
      queue.splice(at, 1);
      if (queue.length === 0) this.calls.delete(callId);
      else if (at === 0 && queue[0].state === 'waiting') this.ready.push(callId);
    }
    if (firstDue !== Infinity) this.hooks.stored(firstDue);
  }

  private logFailure(what: string, error: unknown): void {
    this.logger.warn({ message: `${what} failed; trying again`, endpointId: this.endpoint.id, error: error instanceof Error ? error.message : String(error) });
  }
}
