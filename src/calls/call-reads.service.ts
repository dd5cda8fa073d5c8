import { Injectable } from '@nestjs/common';
import { parseId } from '../common/ids';
import { callError } from './call-errors';
import type { CallViewRow } from './call-view';
import { CallListFilter, CallsRepository } from './calls.repository';

// A call's log entry as the Calls API shows it.
export interface CallLogEntry {
  seq: number;
  type: string;
  from: string | null;
  to: string;
  data: unknown;
  event_id: string | null;
  created_at: string;
}

// Reading calls: one call's view, its event log, a company's list.
@Injectable()
export class CallReads {
  constructor(private readonly calls: CallsRepository) {}

  async get(companyId: string, id: string): Promise<CallViewRow> {
    const callId = parseId(id);
    const row = callId ? await this.calls.findView(companyId, callId) : null;
    if (!row) throw callError('callNotFound', id);
    return row;
  }

  async events(companyId: string, id: string): Promise<CallLogEntry[]> {
    const callId = parseId(id);
    const rows = callId ? await this.calls.events(companyId, callId) : null;
    if (!rows) throw callError('callNotFound', id);
    return rows.map((e) => ({
      seq: e.seq as number,
      type: e.type as string,
      from: e.from_status as string | null,
      to: e.to_status as string,
      data: e.data,
      event_id: e.event_id as string | null,
      created_at: new Date(e.created_at as string).toISOString(),
    }));
  }

  list(filter: CallListFilter): Promise<{ rows: CallViewRow[]; total: number }> {
    return this.calls.list(filter);
  }
}
