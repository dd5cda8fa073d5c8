import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { CallLifecycle } from '../lifecycle/call-lifecycle.service';
import type { CallEvent } from '../lifecycle/machine/call.machine';

// Calls nobody will move on. An `assigned` call never connected (its
// creator's answer lost on the way, an agent desktop gone) keeps its agent
// busy for ever; any live call (assigned, connecting, switching, connected)
// untouched for hours is as stuck. The engine ends them through the
// lifecycle, like any event (source 'engine'): one not yet connected fails
// `expired`, freeing its agent; a connected one is hung up by the system,
// `fail_details` saying why. Every instance sweeps every CALL_EXPIRY_TICK_MS;
// the call's lock and a dedupe key per (call, seq) apply each expiry once,
// and a call that moved meanwhile is left alone (its event is refused).
// Telephony's watchdog ends dialed calls long before this.
//
// The sweep reads calls by status and time with no index of its own: an
// index on live calls' updated_at would cost every event a write, for a
// read once a minute.
const BATCH = 500;

interface StaleCall {
  id: string;
  company_id: string;
  status: string;
  last_seq: number;
  stale_seconds: number;
}

const STALE = `SELECT id, company_id, status, last_seq, extract(epoch FROM now() - coalesce(updated_at, created_at))::int AS stale_seconds FROM calls
  WHERE (status = 'assigned' AND assigned_at < now() - make_interval(secs => $1::float8 / 1000))
     OR (status IN ('assigned', 'connecting', 'switching', 'connected') AND updated_at < now() - make_interval(secs => $2::float8 / 1000))
  ORDER BY id LIMIT $3`;

@Injectable()
export class CallExpiry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CallExpiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: Database,
    private readonly lifecycle: CallLifecycle,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.CALL_EXPIRY_ENABLED) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error) => this.logger.warn({ message: 'expiring stuck calls failed; trying again', error: error instanceof Error ? error.message : String(error) }))
        .finally(() => (this.running = undefined));
    }, this.config.CALL_EXPIRY_TICK_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  // Ends every stuck call (a batch at a time); answers how many it ended.
  async sweep(): Promise<number> {
    let ended = 0;
    for (;;) {
      const calls = await this.db.query<StaleCall>(STALE, [this.config.CALL_ASSIGNED_TIMEOUT_MS, this.config.CALL_LIVE_TIMEOUT_MS, BATCH]);
      let endedNow = 0;
      for (const call of calls) if (await this.expire(call)) endedNow += 1;
      ended += endedNow;
      if (calls.length < BATCH || endedNow === 0) return ended;
    }
  }

  private async expire(call: StaleCall): Promise<boolean> {
    const why = call.status === 'assigned' ? `assigned and not connected for ${call.stale_seconds} s` : `${call.status} and unchanged for ${call.stale_seconds} s`;
    const event: CallEvent =
      call.status === 'connected'
        ? { type: 'hangup', disconnectedBy: 'disconnected_by_system', failDetails: `expired: ${why}` }
        : { type: 'fail', failReason: 'expired', failDetails: `expired: ${why}` };
    try {
      const applied = await this.lifecycle.applyEvent({ companyId: String(call.company_id), callId: String(call.id), event, source: 'engine', dedupeKey: `expire:${call.id}:${call.last_seq}` });
      if (!applied.replayed) this.logger.warn({ message: 'a stuck call was ended', callId: String(call.id), status: call.status, why });
      return !applied.replayed;
    } catch (error) {
      if (error instanceof DomainError) return false; // it moved meanwhile
      throw error;
    }
  }
}
