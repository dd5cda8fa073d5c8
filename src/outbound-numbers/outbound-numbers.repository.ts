import { Injectable } from '@nestjs/common';
import { deleteRow, insertRow, lockCompanyRows, selectPage, selectRow, updateRow } from '../database/company-rows';
import { Database, Queryable } from '../database/database';
import { Transaction } from '../database/transaction';
import { OUTBOUND_NUMBERS, OutboundNumberColumns, OutboundNumberRow } from './outbound-number';

// All SQL on outbound numbers. Writes run in a transaction (`transaction`)
// under the company's lock, and take it as their last argument.
@Injectable()
export class OutboundNumbersRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // Serialises writes to one company's numbers until the transaction ends
  // (also when it has none yet, which row locks could not), so "clear the
  // default, then set one" and the duplicate check cannot interleave.
  lockCompanyNumbers(companyId: string, tx: Transaction): Promise<void> {
    return lockCompanyRows(tx, 'outbound_numbers', companyId);
  }

  findById(companyId: string, id: string, on: Queryable = this.db): Promise<OutboundNumberRow | null> {
    return selectRow(on, OUTBOUND_NUMBERS, companyId, id);
  }

  // `e164` in E.164 (see toE164).
  async findByE164(companyId: string, e164: string, tx: Queryable): Promise<OutboundNumberRow | null> {
    const [row] = await tx.query<OutboundNumberRow>(`SELECT ${OUTBOUND_NUMBERS.columns} FROM outbound_numbers WHERE company_id = $1 AND e164 = $2`, [companyId, e164]);
    return row ?? null;
  }

  list(companyId: string, offset: number, limit: number): Promise<[OutboundNumberRow[], number]> {
    return selectPage(this.db, OUTBOUND_NUMBERS, { where: 'company_id = $1', values: [companyId], orderBy: 'id' }, { offset, limit });
  }

  // Clears the company's default, but for `exceptId`.
  async clearDefault(companyId: string, exceptId: string | null, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE outbound_numbers SET is_default = false, updated_at = now() WHERE company_id = $1 AND is_default AND ($2::bigint IS NULL OR id <> $2::bigint)`, [
      companyId,
      exceptId,
    ]);
  }

  insert(companyId: string, columns: OutboundNumberColumns, tx: Queryable): Promise<OutboundNumberRow> {
    return insertRow(tx, OUTBOUND_NUMBERS, companyId, columns);
  }

  update(companyId: string, id: string, columns: OutboundNumberColumns, tx: Queryable): Promise<OutboundNumberRow | null> {
    return updateRow(tx, OUTBOUND_NUMBERS, companyId, id, columns);
  }

  delete(companyId: string, id: string, tx: Queryable): Promise<boolean> {
    return deleteRow(tx, OUTBOUND_NUMBERS, companyId, id);
  }
}
