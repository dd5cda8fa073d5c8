import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { eventIdOf, OutgoingEvent } from '../events/outgoing-event';
import { OutgoingEvents } from '../events/outgoing-events.service';
import { EventFilter, parseListQuery, parseStreamQuery, StreamQuery } from './event-filters';
import { liveError } from './live-errors';
import { LiveRepository } from './live.repository';

// Where a reader of a company's outgoing events starts, and the polling
// list (GET /apps/api/v1/events). Both read OutgoingEvents: the log in
// commit order, so an event id is a cursor that loses and repeats nothing.
//
// Retention (event-retention.ts) empties the payload of events older than
// EVENT_RETENTION_HOURS. A cursor is resumable when the event after it is
// still kept; otherwise the stream answers `event: reset` and goes on live,
// and the list answers 410 — a pipeline must learn that it missed events
// rather than be moved silently past them.
export interface StreamStart {
  filter: EventFilter;
  cursor: string | null; // the event id to read after; null: the log's start
  reset: boolean; // the cursor asked for could not be resumed: say so first
}

// Pages read past events retention already passed, when the list starts
// without `after` (a few at most: see LiveRepository.retainedFrom).
const MAX_SKIPPED_PAGES = 20;

@Injectable()
export class EventFeed {
  constructor(
    private readonly events: OutgoingEvents,
    private readonly repository: LiveRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get retentionHours(): number {
    return this.config.EVENT_RETENTION_HOURS;
  }

  // The stream's query checked and resolved; every 4xx is raised here,
  // before the response starts.
  async streamStart(companyId: string, query: Record<string, unknown>, lastEventId: string | string[] | undefined): Promise<StreamStart> {
    const parsed = parseStreamQuery(query, lastEventId);
    const filter = await this.resolveAgent(companyId, parsed);
    if (parsed.after) {
      const point = await this.repository.resumePoint(companyId, parsed.after.position, this.horizon());
      if (point === 'resumable') return { filter, cursor: parsed.after.id, reset: false };
      return { filter, cursor: await this.tail(companyId), reset: true };
    }
    return { filter, cursor: await this.tail(companyId), reset: false };
  }

  // The last event readable now (a live stream reads after it).
  async tail(companyId: string): Promise<string | null> {
    const position = await this.repository.tail(companyId);
    return position ? eventIdOf(position) : null;
  }

  // `after` given: the events after it, up to `limit`, stopping before an
  // event whose payload is gone (the next call then answers 410). No
  // `after`: from the oldest event kept.
  async list(companyId: string, query: Record<string, unknown>): Promise<OutgoingEvent[]> {
    const { after, limit } = parseListQuery(query);
    const horizon = this.horizon();
    if (after) {
      const point = await this.repository.resumePoint(companyId, after.position, horizon);
      if (point === 'not_found') throw liveError('eventNotFound', after.id);
      if (point === 'past_retention') throw liveError('pastRetention', after.id, this.retentionHours);
      const page = await this.events.readAfter(companyId, after.id, limit);
      const gone = page.findIndex((event) => event.data.call === null);
      if (gone === 0) throw liveError('pastRetention', after.id, this.retentionHours);
      return gone < 0 ? page : page.slice(0, gone);
    }
    const from = (await this.repository.retainedFrom()) ?? (await this.repository.tail(companyId));
    let cursor = from ? eventIdOf(from) : null;
    const kept: OutgoingEvent[] = [];
    for (let pages = 0; pages < MAX_SKIPPED_PAGES; pages++) {
      const want = limit - kept.length;
      const page = await this.events.readAfter(companyId, cursor, want);
      for (const event of page) {
        const past = event.data.call === null || new Date(event.created_at) < horizon;
        if (past && kept.length === 0) continue; // before the oldest event kept
        if (event.data.call === null) return kept; // emptied meanwhile: stop before the gap
        kept.push(event);
      }
      if (page.length < want || kept.length === limit) return kept;
      cursor = page[page.length - 1].id;
    }
    return kept;
  }

  private async resolveAgent(companyId: string, query: StreamQuery): Promise<EventFilter> {
    if (query.agentEmail === null) return query.filter;
    const agentId = await this.repository.agentIdByEmail(companyId, query.agentEmail);
    if (agentId === null) throw liveError('agentNotFound', query.agentEmail);
    return { ...query.filter, agentId };
  }

  // Events created before this are past the retention (this instance's
  // clock: the same horizon for the check and for the list's own skipping).
  private horizon(): Date {
    return new Date(Date.now() - this.retentionHours * 3_600_000);
  }
}
