import { Injectable } from '@nestjs/common';
import { isUniqueViolation, violatedConstraint } from '../common/database-errors';
import { parseId } from '../common/ids';
import { toE164 } from '../common/phone-numbers';
import { CreateOutboundNumberDto, UpdateOutboundNumberDto } from './dto/outbound-number.dto';
import { outboundNumberError } from './outbound-number-errors';
import { OutboundNumberColumns, OutboundNumberRow } from './outbound-number';
import { OutboundNumbersRepository } from './outbound-numbers.repository';

@Injectable()
export class OutboundNumbersService {
  constructor(private readonly numbers: OutboundNumbersRepository) {}

  // Under the company's lock: refuse a duplicate, clear the old default
  // when this one becomes it, insert.
  async create(companyId: string, dto: CreateOutboundNumberDto): Promise<OutboundNumberRow> {
    const number = dto.number.trim();
    const e164 = toE164(number)!; // the DTO checked it
    return this.mapConflict(e164, () =>
      this.numbers.transaction(async (tx) => {
        await this.numbers.lockCompanyNumbers(companyId, tx);
        if (await this.numbers.findByE164(companyId, e164, tx)) throw outboundNumberError('taken', e164);
        if (dto.default) await this.numbers.clearDefault(companyId, null, tx);
        return this.numbers.insert(companyId, { number, e164, is_default: dto.default ?? false }, tx);
      }),
    );
  }

  list(companyId: string, offset: number, limit: number): Promise<[OutboundNumberRow[], number]> {
    return this.numbers.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<OutboundNumberRow> {
    const numberId = parseId(id);
    const found = numberId && (await this.numbers.findById(companyId, numberId));
    if (!found) throw outboundNumberError('notFound', id);
    return found;
  }

  // `number` and/or `default`; `default: false` leaves the company without one.
  async update(companyId: string, id: string, dto: UpdateOutboundNumberDto): Promise<OutboundNumberRow> {
    const number = dto.number?.trim();
    const e164 = number === undefined ? undefined : toE164(number)!;
    return this.mapConflict(e164 ?? '', () =>
      this.numbers.transaction(async (tx) => {
        await this.numbers.lockCompanyNumbers(companyId, tx);
        const numberId = parseId(id);
        const existing = numberId && (await this.numbers.findById(companyId, numberId, tx));
        if (!existing) throw outboundNumberError('notFound', id);
        const columns: OutboundNumberColumns = {};
        if (number !== undefined && e164 !== undefined) {
          const other = await this.numbers.findByE164(companyId, e164, tx);
          if (other && other.id !== existing.id) throw outboundNumberError('taken', e164);
          Object.assign(columns, { number, e164 });
        }
        if (dto.default !== undefined) {
          if (dto.default) await this.numbers.clearDefault(companyId, existing.id, tx);
          columns.is_default = dto.default;
        }
        return (await this.numbers.update(companyId, existing.id, columns, tx))!;
      }),
    );
  }

  // Deleting the default leaves the company without one.
  async delete(companyId: string, id: string): Promise<void> {
    const numberId = parseId(id);
    const deleted =
      numberId &&
      (await this.numbers.transaction(async (tx) => {
        await this.numbers.lockCompanyNumbers(companyId, tx);
        return this.numbers.delete(companyId, numberId, tx);
      }));
    if (!deleted) throw outboundNumberError('notFound', id);
  }

  // The lock makes a unique violation unlikely; should one still happen (a
  // writer that bypasses the lock), it is the client's conflict, not a 500.
  private async mapConflict<T>(e164: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error) && violatedConstraint(error) === 'outbound_numbers_company_e164_key') throw outboundNumberError('taken', e164);
      throw error;
    }
  }
}
