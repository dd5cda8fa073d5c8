import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, Not } from 'typeorm';
import { OutboundNumber } from './outbound-number.entity';

// All SQL on outbound numbers. An instance is bound to an EntityManager: the
// injected one, or a transaction's through `transaction()`.
@Injectable()
export class OutboundNumbersRepository {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  transaction<T>(work: (tx: OutboundNumbersRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new OutboundNumbersRepository(manager)));
  }

  // Serialises writes to one company's numbers until the transaction ends
  // (also when it has none yet, which row locks could not), so "clear the
  // default, then set one" and the duplicate check cannot interleave.
  async lockCompanyNumbers(companyId: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`outbound_numbers:${companyId}`]);
  }

  findById(companyId: string, id: string): Promise<OutboundNumber | null> {
    return this.manager.findOneBy(OutboundNumber, { companyId, id });
  }

  // `e164` in E.164 (see toE164).
  findByE164(companyId: string, e164: string): Promise<OutboundNumber | null> {
    return this.manager.findOneBy(OutboundNumber, { companyId, e164 });
  }

  findDefault(companyId: string): Promise<OutboundNumber | null> {
    return this.manager.findOneBy(OutboundNumber, { companyId, isDefault: true });
  }

  // All of a company's numbers, oldest first.
  listForCompany(companyId: string): Promise<OutboundNumber[]> {
    return this.manager.find(OutboundNumber, { where: { companyId }, order: { id: 'ASC' } });
  }

  list(companyId: string, offset: number, limit: number): Promise<[OutboundNumber[], number]> {
    return this.manager.findAndCount(OutboundNumber, { where: { companyId }, order: { id: 'ASC' }, skip: offset, take: limit });
  }

  // Clears the company's default, but for `exceptId`.
  async clearDefault(companyId: string, exceptId?: string): Promise<void> {
    await this.manager.update(OutboundNumber, exceptId ? { companyId, isDefault: true, id: Not(exceptId) } : { companyId, isDefault: true }, { isDefault: false });
  }

  insert(values: Partial<OutboundNumber>): Promise<OutboundNumber> {
    return this.manager.save(this.manager.create(OutboundNumber, values));
  }

  async update(companyId: string, id: string, values: Partial<OutboundNumber>): Promise<void> {
    if (Object.keys(values).length > 0) await this.manager.update(OutboundNumber, { companyId, id }, values);
  }

  async delete(companyId: string, id: string): Promise<boolean> {
    const result = await this.manager.delete(OutboundNumber, { companyId, id });
    return (result.affected ?? 0) > 0;
  }
}
