import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { toE164 } from '../common/phone-numbers';
import { CreateOutboundNumberDto, UpdateOutboundNumberDto } from './dto/outbound-number.dto';
import { OutboundNumber } from './outbound-number.entity';
import { OutboundNumbersRepository } from './outbound-numbers.repository';

export const OutboundNumberMessages = {
  notFound: (id: string) => `Outbound number ${id} is not found`,
  taken: (e164: string) => `Outbound number ${e164} already exists`,
} as const;

@Injectable()
export class OutboundNumbersService {
  constructor(private readonly numbers: OutboundNumbersRepository) {}

  // Under the company's lock: refuse a duplicate, clear the old default
  // when this one becomes it, insert.
  async create(companyId: string, dto: CreateOutboundNumberDto): Promise<OutboundNumber> {
    const number = dto.number.trim();
    const e164 = toE164(number)!; // the DTO checked it
    return this.mapConflict(e164, () =>
      this.numbers.transaction(async (tx) => {
        await tx.lockCompanyNumbers(companyId);
        if (await tx.findByE164(companyId, e164)) throw ApiError.conflict(OutboundNumberMessages.taken(e164));
        if (dto.default) await tx.clearDefault(companyId);
        return tx.insert({ companyId, number, e164, isDefault: dto.default ?? false });
      }),
    );
  }

  list(companyId: string, offset: number, limit: number): Promise<[OutboundNumber[], number]> {
    return this.numbers.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<OutboundNumber> {
    const numberId = parseId(id);
    const found = numberId && (await this.numbers.findById(companyId, numberId));
    if (!found) throw ApiError.notFound(OutboundNumberMessages.notFound(id));
    return found;
  }

  // `number` and/or `default`; `default: false` leaves the company without one.
  async update(companyId: string, id: string, dto: UpdateOutboundNumberDto): Promise<OutboundNumber> {
    const number = dto.number?.trim();
    const e164 = number === undefined ? undefined : toE164(number)!;
    return this.mapConflict(e164 ?? '', () =>
      this.numbers.transaction(async (tx) => {
        await tx.lockCompanyNumbers(companyId);
        const numberId = parseId(id);
        const existing = numberId && (await tx.findById(companyId, numberId));
        if (!existing) throw ApiError.notFound(OutboundNumberMessages.notFound(id));
        const columns: Partial<OutboundNumber> = {};
        if (number !== undefined && e164 !== undefined) {
          const other = await tx.findByE164(companyId, e164);
          if (other && other.id !== existing.id) throw ApiError.conflict(OutboundNumberMessages.taken(e164));
          Object.assign(columns, { number, e164 });
        }
        if (dto.default !== undefined) {
          if (dto.default) await tx.clearDefault(companyId, existing.id);
          columns.isDefault = dto.default;
        }
        await tx.update(companyId, existing.id, columns);
        return (await tx.findById(companyId, existing.id))!;
      }),
    );
  }

  // Deleting the default leaves the company without one.
  async delete(companyId: string, id: string): Promise<void> {
    const numberId = parseId(id);
    const deleted = numberId && (await this.numbers.transaction(async (tx) => {
      await tx.lockCompanyNumbers(companyId);
      return tx.delete(companyId, numberId);
    }));
    if (!deleted) throw ApiError.notFound(OutboundNumberMessages.notFound(id));
  }

  // The lock makes a unique violation unlikely; should one still happen (a
  // writer that bypasses the lock), it is the client's conflict, not a 500.
  private async mapConflict<T>(e164: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'outbound_numbers_company_e164_key') {
        throw ApiError.conflict(OutboundNumberMessages.taken(e164));
      }
      throw error;
    }
  }
}
