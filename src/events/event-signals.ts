import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CallChanges } from '../calls/call-changes';
import { Database } from '../database/database';
import type { PgClient } from '../database/pg-adapter';

// Tells every instance which companies' event logs grew. This instance's
// commits arrive from CallChanges at once; they are passed on to the other
// instances with PostgreSQL's NOTIFY (sent after the commit, outside the
// transaction, at most one in flight per company: a burst of events costs a
// few notifications, and the event's write path none), and theirs arrive
// through one LISTEN connection per instance.
//
// A notification says only "look": readers read the log itself, in commit
// order, so a lost notification (an instance killed between its commit and
// its NOTIFY) delays nothing past the readers' own poll (they poll at least
// every POLL_MS as well).
export const CHANNEL = 'switchboard_call_events';
export const POLL_MS = 1000;

export type EventSignalListener = (companyId: string) => void;

@Injectable()
export class EventSignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventSignals');
  private readonly listeners = new Set<EventSignalListener>();
  private readonly notifying = new Map<string, boolean>(); // company → another notify wanted after the one in flight
  private listenConnection?: PgClient & { on(event: string, listener: (...args: any[]) => void): unknown };
  private stopped = false;
  private stopLocal?: () => void;

  constructor(
    private readonly db: Database,
    private readonly changes: CallChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopLocal = this.changes.listen((companyIds) => {
      for (const companyId of companyIds) {
        this.emit(companyId);
        this.notifyOthers(companyId);
      }
    });
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopLocal?.();
    const connection = this.listenConnection;
    this.listenConnection = undefined;
    connection?.release(true);
  }

  // Answers the function that stops listening.
  onChange(listener: EventSignalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(companyId: string): void {
    for (const listener of this.listeners) {
      try {
        listener(companyId);
      } catch (error) {
        this.logger.error({ message: 'an event-signal listener failed', error: String(error) });
      }
    }
  }

  private notifyOthers(companyId: string): void {
    if (this.notifying.has(companyId)) {
      this.notifying.set(companyId, true);
      return;
    }
    this.notifying.set(companyId, false);
    void (async () => {
      do {
        this.notifying.set(companyId, false);
        await this.db.query(`SELECT pg_notify($1, $2)`, [CHANNEL, companyId]).catch(() => undefined);
      } while (this.notifying.get(companyId) && !this.stopped);
      this.notifying.delete(companyId);
    })();
  }

  // One connection of its own, LISTENing; opened again when it is lost.
  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      const connection = (await this.db.dedicatedConnection()) as NonNullable<EventSignals['listenConnection']>;
      this.listenConnection = connection;
      connection.on('notification', (message: { channel: string; payload?: string }) => {
        if (message.channel === CHANNEL && message.payload) this.emit(message.payload);
      });
      connection.on('error', () => this.relisten(connection));
      connection.on('end', () => this.relisten(connection));
      await connection.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.logger.warn({ message: 'listening for other instances\' events failed; trying again', error: error instanceof Error ? error.message : String(error) });
      setTimeout(() => void this.listen(), POLL_MS).unref();
    }
  }

  private relisten(connection: PgClient): void {
    if (this.listenConnection !== connection) return;
    this.listenConnection = undefined;
    connection.release(true);
    if (!this.stopped) setTimeout(() => void this.listen(), 100).unref();
  }
}
