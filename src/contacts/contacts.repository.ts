import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';
import { Contact } from './contact.entity';

// All SQL on contacts.
@Injectable()
export class ContactsRepository {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  findById(companyId: string, id: string): Promise<Contact | null> {
    return this.manager.findOneBy(Contact, { companyId, id });
  }

  // The contact a call's `ticket_id` names (compared exactly).
  findByTicketId(companyId: string, ticketId: string): Promise<Contact | null> {
    return this.manager.findOneBy(Contact, { companyId, ticketId });
  }

  list(companyId: string, options: { ticketId?: string; offset: number; limit: number }): Promise<[Contact[], number]> {
    const where = options.ticketId === undefined ? { companyId } : { companyId, ticketId: options.ticketId };
    return this.manager.findAndCount(Contact, { where, order: { id: 'ASC' }, skip: options.offset, take: options.limit });
  }

  insert(values: Partial<Contact>): Promise<Contact> {
    return this.manager.save(this.manager.create(Contact, values));
  }

  async update(companyId: string, id: string, values: Partial<Contact>): Promise<Contact | null> {
    if (Object.keys(values).length > 0) await this.manager.update(Contact, { companyId, id }, values);
    return this.findById(companyId, id);
  }

  async delete(companyId: string, id: string): Promise<boolean> {
    const result = await this.manager.delete(Contact, { companyId, id });
    return (result.affected ?? 0) > 0;
  }
}
