import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { EventSignals, POLL_MS } from '../events/event-signals';
import type { OutgoingEvent } from '../events/outgoing-event';
import { OutgoingEvents } from '../events/outgoing-events.service';
import { EventFilter, matches } from './event-filters';
import { EventFeed, StreamStart } from './event-feed';
import { ResetMessages } from './live-errors';
import { LiveRepository } from './live.repository';

// The live stream's hub (shared spec events-api.md, "The live stream").
//
// One reader per company with open streams (a CompanyHub), woken when the
// company's log grew — by this instance's own commits at once, by other
// instances' through EventSignals (LISTEN/NOTIFY) — and by a poll every
// POLL_MS, which alone would still deliver within a second if a
// notification were lost. Every stream keeps its own cursor: the id of the
// last event it has been shown or has passed over (filtered out). The hub
// reads OutgoingEvents after each distinct cursor — streams that are caught
// up share one, so a hub reads once per wake-up, whatever the number of its
// streams — in commit order, so a stream resumed after an event id misses
// and repeats nothing.
//
// Backpressure: a stream takes a page only while its socket takes writes.
// When a write is buffered (write() answers false), the stream stops at
// that event and is left out of reads until the socket drains; what it has
// not taken stays in the database, not in memory (at most one page per
// stream is ever buffered). A client that reads nothing for STALL_MS is
// told so in a comment and disconnected; it may resume with Last-Event-ID.
//
// Timers: one interval for the whole service (heartbeats, the poll, stalled
// clients), at most one follow-up per company (wakeAgainSoon), none per
// connection.
export const PAGE_SIZE = 100;
export const STALL_MS = 60_000;
const DROP_GRACE_MS = 5_000; // after the closing comment, until the socket is destroyed
const FOLLOW_UP_MS = 100;

export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;

export function eventMessage(event: OutgoingEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export class LiveStream {
  needsReset = false;
  behind = false; // its last page was full: read again before waiting
  private waitingSince: number | null = null;
  private droppedAt: number | null = null;
  private lastPingAt = Date.now();
  private closed = false;

  constructor(
    readonly filter: EventFilter,
    public cursor: string | null,
    private readonly response: ServerResponse,
    private readonly onDrain: () => void,
    private readonly onClose: (stream: LiveStream) => void,
  ) {
    response.on('drain', () => {
      this.waitingSince = null;
      this.onDrain();
    });
    response.once('close', () => this.closeNow());
    response.on('error', () => this.closeNow());
  }

  get ready(): boolean {
    return !this.closed && this.waitingSince === null && this.droppedAt === null;
  }

  // Shows the page's events after the cursor that pass the filter, until
  // the socket pushes back or an event's payload is gone.
  take(page: readonly OutgoingEvent[], currentAgents: ReadonlyMap<string, string | null>): void {
    for (const event of page) {
      if (!this.ready) return;
      // Retention emptied it: never sent without its call; the stream is reset.
      if (event.data.call === null) {
        this.needsReset = true;
        return;
      }
      this.cursor = event.id;
      if (matches(this.filter, event, currentAgents)) this.write(eventMessage(event));
    }
  }

  // `event: reset`, then live from `cursor` (the id is the reset's own, so a
  // client that reconnects after it resumes from there).
  reset(cursor: string | null, message: string): void {
    this.needsReset = false;
    this.cursor = cursor;
    this.write(`${cursor === null ? '' : `id: ${cursor}\n`}event: reset\ndata: ${JSON.stringify({ message })}\n\n`);
  }

  // Called by the service's interval: a heartbeat when one is due; a client
  // stalled for too long is dropped.
  tick(now: number, heartbeatMs: number, slackMs: number): void {
    if (this.closed) return;
    if (this.droppedAt !== null) {
      if (now - this.droppedAt >= DROP_GRACE_MS) this.response.destroy();
      return;
    }
    if (this.waitingSince !== null) {
      if (now - this.waitingSince >= STALL_MS) {
        this.droppedAt = now;
        this.response.end(`: closing: this client has not read its events for ${STALL_MS / 1000} s; reconnect with Last-Event-ID to resume\n\n`);
      }
      return;
    }
    if (now - this.lastPingAt >= heartbeatMs - slackMs) {
      this.lastPingAt = now;
      this.write(': ping\n\n');
    }
  }

  end(): void {
    if (this.closed) return;
    this.response.end();
    this.closeNow();
  }

  private write(chunk: string): void {
    if (this.closed || this.droppedAt !== null) return;
    if (!this.response.write(chunk) && this.waitingSince === null) this.waitingSince = Date.now();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

export interface HubDeps {
  events: OutgoingEvents;
  repository: LiveRepository;
  feed: EventFeed;
  resetMessage: string;
  logger: Logger;
}

// One company's open streams and their one reader.
export class CompanyHub {
  readonly streams = new Set<LiveStream>();
  private reading: Promise<void> | null = null;
  private wanted = false;
  private followUp: NodeJS.Timeout | null = null;

  constructor(
    private readonly companyId: string,
    private readonly deps: HubDeps,
  ) {}

  // Read (again) as soon as the reader is free.
  wake(): void {
    this.wanted = true;
    if (this.reading !== null) return;
    const reading = this.run();
    this.reading = reading;
    void reading.then(() => {
      this.reading = null;
      // Woken after the loop's last look: read again.
      if (this.wanted) this.wake();
    });
  }

  // After a signal: the new rows may still be held back behind an older
  // transaction that has not ended (the log is read below the oldest one
  // running), and its end signals nothing. One more look shortly after, so
  // such a row need not wait for the poll (one timer per company, not per
  // stream; signals in between share it).
  wakeAgainSoon(): void {
    if (this.followUp !== null) return;
    this.followUp = setTimeout(() => {
      this.followUp = null;
      this.wake();
    }, FOLLOW_UP_MS);
    this.followUp.unref();
  }

  stop(): void {
    if (this.followUp !== null) clearTimeout(this.followUp);
    this.followUp = null;
  }

  idle(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        // A wake-up reads for every stream; between wake-ups, only streams
        // whose last page was full read on.
        const all = this.wanted;
        this.wanted = false;
        const streams = [...this.streams].filter((s) => s.ready && (all || s.behind));
        if (streams.length === 0) return;
        await this.read(streams);
      }
    } catch (error) {
      // The database may be down: the next poll tries again.
      this.deps.logger.warn({ message: 'reading events for live streams failed', companyId: this.companyId, error: error instanceof Error ? error.message : String(error) });
      this.wanted = false; // until the next wake-up or poll
    }
  }

  private async read(streams: LiveStream[]): Promise<void> {
    const byCursor = new Map<string | null, LiveStream[]>();
    for (const stream of streams) byCursor.set(stream.cursor, [...(byCursor.get(stream.cursor) ?? []), stream]);
    for (const [cursor, group] of byCursor) {
      const page = await this.deps.events.readAfter(this.companyId, cursor, PAGE_SIZE);
      for (const stream of group) stream.behind = page.length === PAGE_SIZE;
      if (page.length === 0) continue;
      const currentAgents = group.some((s) => s.filter.agentId !== null)
        ? await this.deps.repository.currentAgents(this.companyId, [...new Set(page.map((e) => e.data.call_id))])
        : new Map<string, string | null>();
      for (const stream of group) stream.take(page, currentAgents);
      if (group.some((s) => s.needsReset)) {
        const tail = await this.deps.feed.tail(this.companyId);
        for (const stream of group) if (stream.needsReset) stream.reset(tail, this.deps.resetMessage);
      }
    }
  }
}

@Injectable()
export class LiveStreams implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveStreams');
  private readonly hubs = new Map<string, CompanyHub>();
  private timer?: NodeJS.Timeout;
  private stopSignals?: () => void;
  private lastPollAt = 0;
  private stopped = false;

  constructor(
    private readonly events: OutgoingEvents,
    private readonly repository: LiveRepository,
    private readonly feed: EventFeed,
    private readonly signals: EventSignals,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSignals = this.signals.onChange((companyId) => {
      const hub = this.hubs.get(companyId);
      hub?.wake();
      hub?.wakeAgainSoon();
    });
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  // Before the HTTP server closes: every stream ends (its client reconnects,
  // to another instance, with Last-Event-ID), reads in flight finish.
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.stopSignals?.();
    const hubs = [...this.hubs.values()];
    for (const hub of hubs) {
      hub.stop();
      for (const stream of [...hub.streams]) stream.end();
    }
    await Promise.all(hubs.map((hub) => hub.idle()));
  }

  // Serves `start` on a response whose headers have not been sent (the
  // caller hijacked it from Fastify).
  open(companyId: string, start: StreamStart, response: ServerResponse, headers: Record<string, string>): void {
    response.writeHead(200, { ...SSE_HEADERS, ...headers });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    if (this.stopped) {
      response.end();
      return;
    }
    let hub = this.hubs.get(companyId);
    if (!hub) {
      hub = new CompanyHub(companyId, { events: this.events, repository: this.repository, feed: this.feed, resetMessage: ResetMessages.pastRetention(this.config.EVENT_RETENTION_HOURS), logger: this.logger });
      this.hubs.set(companyId, hub);
    }
    const theHub = hub;
    const stream = new LiveStream(start.filter, start.cursor, response, () => theHub.wake(), (closed) => {
      theHub.streams.delete(closed);
      if (theHub.streams.size === 0 && this.hubs.get(companyId) === theHub) {
        theHub.stop();
        this.hubs.delete(companyId);
      }
    });
    if (start.reset) stream.reset(start.cursor, ResetMessages.pastRetention(this.config.EVENT_RETENTION_HOURS));
    theHub.streams.add(stream);
    theHub.wake();
  }

  // Streams open on this instance (for tests and health).
  get openStreams(): number {
    let n = 0;
    for (const hub of this.hubs.values()) n += hub.streams.size;
    return n;
  }

  private get tickMs(): number {
    return Math.min(this.config.LIVE_HEARTBEAT_MS, POLL_MS);
  }

  private tick(): void {
    const now = Date.now();
    const slack = this.tickMs / 2;
    const poll = now - this.lastPollAt >= POLL_MS - slack;
    if (poll) this.lastPollAt = now;
    for (const hub of this.hubs.values()) {
      for (const stream of [...hub.streams]) stream.tick(now, this.config.LIVE_HEARTBEAT_MS, slack);
      if (poll) hub.wake();
    }
  }
}
