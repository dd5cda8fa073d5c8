import { Injectable, Logger } from '@nestjs/common';

// In this instance: which companies' call event logs grew, said once the
// transaction that wrote the rows committed (Transaction.afterCommit) —
// never for work that was rolled back. The outgoing events (src/events/)
// listen, and pass it on to every instance.
export type CallChangesListener = (companyIds: readonly string[]) => void;

@Injectable()
export class CallChanges {
  private readonly logger = new Logger('CallChanges');
  private readonly listeners = new Set<CallChangesListener>();

  // Answers the function that stops listening.
  listen(listener: CallChangesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  committed(companyIds: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(companyIds);
      } catch (error) {
        // A listener's failure is its own: the commit stands, others still hear.
        this.logger.error({ message: 'a call-changes listener failed', error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
