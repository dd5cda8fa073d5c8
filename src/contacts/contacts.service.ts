import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { toE164 } from '../common/phone-numbers';
import { contactError } from './contact-errors';
import { ContactColumns, ContactRow } from './contact';
import { ContactsRepository } from './contacts.repository';
import { CreateContactDto, UpdateContactDto } from './dto/contact.dto';

@Injectable()
export class ContactsService {
  constructor(private readonly contacts: ContactsRepository) {}

  async create(companyId: string, dto: CreateContactDto): Promise<ContactRow> {
    try {
      return await this.contacts.insert(companyId, toColumns(dto));
    } catch (error) {
      if (isUniqueViolation(error)) throw contactError('ticketTaken', dto.ticket_id);
      throw error;
    }
  }

  list(companyId: string, options: { ticketId?: string; offset: number; limit: number }): Promise<[ContactRow[], number]> {
    return this.contacts.list(companyId, options);
  }

  async get(companyId: string, id: string): Promise<ContactRow> {
    const contactId = parseId(id);
    const contact = contactId && (await this.contacts.findById(companyId, contactId));
    if (!contact) throw contactError('notFound', id);
    return contact;
  }

  async update(companyId: string, id: string, dto: UpdateContactDto): Promise<ContactRow> {
    const existing = await this.get(companyId, id);
    try {
      const contact = await this.contacts.update(companyId, existing.id, toColumns(dto));
      if (!contact) throw contactError('notFound', id);
      return contact;
    } catch (error) {
      if (isUniqueViolation(error)) throw contactError('ticketTaken', dto.ticket_id ?? '');
      throw error;
    }
  }

  async delete(companyId: string, id: string): Promise<void> {
    const contactId = parseId(id);
    if (!contactId || !(await this.contacts.delete(companyId, contactId))) throw contactError('notFound', id);
  }
}

function toColumns(dto: UpdateContactDto): ContactColumns {
  return {
    ticket_id: dto.ticket_id,
    out_contact_id: dto.out_contact_id,
    // E.164, in the order given, each once.
    phone_numbers: dto.phone_numbers === undefined ? undefined : [...new Set(dto.phone_numbers.map((number) => toE164(number)!))],
    out_ticket_url: dto.out_ticket_url,
  };
}
