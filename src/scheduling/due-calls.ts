import { Injectable, Logger } from '@nestjs/common';
import { Database } from '../database/database';
import { CommitOutcomeUnknownError, Transaction } from '../database/transaction';
import { CallChanges } from '../calls/call-changes';
import { LOCKED_CALL_COLUMNS, LockedCall, toLockedCall } from '../calls/lifecycle/call-locks';
import { transition } from '../calls/lifecycle/call-transition';

// The scheduler's claim: due scheduled calls (by the database's clock),
// oldest first, locked FOR UPDATE SKIP LOCKED, so any number of instances
// (and the cron trigger) share the work and none dispatches a call twice.
// Each claimed call gets the machine's `dispatch` through the lifecycle's one
// transition; the whole batch's writes travel with its COMMIT.
//
// A batch the database refuses (one call's write failed: a trigger, a
// constraint) is rolled back and its calls dispatched one per transaction,
// so one bad call does not hold back the rest. A call that fails on its own
// is left out of this instance's claims for a while (RETRY_FAILED_AFTER_MS)
// and logged; it stays due and is tried again after that.
const RETRY_FAILED_AFTER_MS = 60_000;

const claim = (oneCompany: boolean) => `SELECT ${LOCKED_CALL_COLUMNS} FROM calls c
  WHERE c.status = 'scheduled' AND c.scheduled_at <= now() AND NOT c.id = ANY($2::bigint[])${oneCompany ? ' AND c.company_id = $3' : ''}
  ORDER BY c.scheduled_at, c.id LIMIT $1 FOR UPDATE OF c SKIP LOCKED`;
const CLAIM = { all: claim(false), company: claim(true) };
const CLAIM_ONE = `SELECT ${LOCKED_CALL_COLUMNS} FROM calls c
  WHERE c.id = $1 AND c.status = 'scheduled' AND c.scheduled_at <= now() FOR UPDATE OF c SKIP LOCKED`;

@Injectable()
export class DueCalls {
  private readonly logger = new Logger('Scheduler');
  private readonly failed = new Map<string, number>(); // call id → when to try it again

  constructor(
    private readonly db: Database,
    private readonly changes: CallChanges,
  ) {}

  // Claims up to `limit` due calls (of one company, or all) and dispatches
  // them; answers how many were dispatched.
  async dispatchBatch(limit: number, companyId: string | null = null): Promise<number> {
    const skipped = this.stillFailed();
    let claimed: LockedCall[] = [];
    try {
      await this.db.transaction(async (tx) => {
        const rows = await tx.query(companyId === null ? CLAIM.all : CLAIM.company, companyId === null ? [limit, skipped] : [limit, skipped, companyId]);
        claimed = rows.map(toLockedCall);
        for (const call of claimed) await this.dispatch(tx, call);
      });
      return claimed.length;
    } catch (error) {
      // Lost during COMMIT: whatever committed is no longer `scheduled`, and
      // the rest is claimed again on the next tick — never twice.
      if (claimed.length === 0 || error instanceof CommitOutcomeUnknownError || !hasSqlState(error)) throw error;
    }
    let dispatched = 0;
    for (const call of claimed) {
      try {
        const claimedAgain = await this.db.transaction(async (tx) => {
          const [row] = await tx.query(CLAIM_ONE, [call.id]);
          if (!row) return false; // dispatched meanwhile by another instance
          await this.dispatch(tx, toLockedCall(row));
          return true;
        });
        if (claimedAgain) dispatched += 1;
        this.failed.delete(call.id);
      } catch (error) {
        if (!hasSqlState(error)) throw error;
        this.failed.set(call.id, Date.now() + RETRY_FAILED_AFTER_MS);
        this.logger.error({ message: 'a due call could not be dispatched', callId: call.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return dispatched;
  }

  private async dispatch(tx: Transaction, call: LockedCall): Promise<void> {
    await transition(tx, call, { type: 'dispatch' }, { source: 'scheduler' });
    tx.afterCommit(() => this.changes.committed([call.company_id]));
  }

  private stillFailed(): string[] {
    const now = Date.now();
    for (const [id, retryAt] of this.failed) if (retryAt <= now) this.failed.delete(id);
    return [...this.failed.keys()];
  }
}

// An error the server reported for a statement: the server is alive and the
// transaction was rolled back (not a lost connection).
function hasSqlState(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
