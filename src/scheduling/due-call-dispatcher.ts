import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DueCalls } from './due-calls';

// Inside every running instance: every tick, claim due scheduled calls in
// batches and dispatch them through the lifecycle, until none is due.
// Due-ness is the database's now(), never this instance's clock.
@Injectable()
export class DueCallDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly dueCalls: DueCalls,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    this.logger.log(`dispatching due calls every ${this.config.SCHEDULER_TICK_MS} ms, ${this.config.SCHEDULER_BATCH_SIZE} at a time`);
    this.schedule(0); // catch up at once on what fell due while no instance ran
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  // Dispatches everything due now; answers how many calls it claimed.
  async dispatchDueCalls(companyId: string | null = null): Promise<number> {
    let total = 0;
    for (;;) {
      const dispatched = await this.dueCalls.dispatchBatch(this.config.SCHEDULER_BATCH_SIZE, companyId);
      total += dispatched;
      if (dispatched < this.config.SCHEDULER_BATCH_SIZE || this.stopped) return total;
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.config.SCHEDULER_TICK_MS));
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const dispatched = await this.dispatchDueCalls();
      if (dispatched > 0) this.logger.log({ message: 'dispatched due calls', dispatched });
    } catch (error) {
      // The database may be down: try again next tick.
      this.logger.warn({ message: 'dispatching due calls failed', error: error instanceof Error ? error.message : String(error) });
    }
  }
}
