import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { toE164 } from '../common/phone-numbers';
import { Contact } from './contact.entity';
import { ContactsRepository } from './contacts.repository';
import { CreateContactDto, UpdateContactDto } from './dto/contact.dto';

export const ContactMessages = {
  notFound: (id: string) => `Contact ${id} is not found`,
  ticketTaken: (ticketId: string) => `A contact with ticket_id '${ticketId}' already exists`,
} as const;

@Injectable()
export class ContactsService {
  constructor(private readonly contacts: ContactsRepository) {}

  async create(companyId: string, dto: CreateContactDto): Promise<Contact> {
    try {
      return await this.contacts.insert({ companyId, ...toColumns(dto) });
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict(ContactMessages.ticketTaken(dto.ticket_id));
      throw error;
    }
  }

  list(companyId: string, options: { ticketId?: string; offset: number; limit: number }): Promise<[Contact[], number]> {
    return this.contacts.list(companyId, options);
  }

  async get(companyId: string, id: string): Promise<Contact> {
    const contactId = parseId(id);
    const contact = contactId && (await this.contacts.findById(companyId, contactId));
    if (!contact) throw ApiError.notFound(ContactMessages.notFound(id));
    return contact;
  }

  async update(companyId: string, id: string, dto: UpdateContactDto): Promise<Contact> {
    const existing = await this.get(companyId, id);
    try {
      const contact = await this.contacts.update(companyId, existing.id, toColumns(dto));
      if (!contact) throw ApiError.notFound(ContactMessages.notFound(id));
      return contact;
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict(ContactMessages.ticketTaken(dto.ticket_id ?? ''));
      throw error;
    }
  }

  async delete(companyId: string, id: string): Promise<void> {
    const contactId = parseId(id);
    if (!contactId || !(await this.contacts.delete(companyId, contactId))) throw ApiError.notFound(ContactMessages.notFound(id));
  }
}

function toColumns(dto: UpdateContactDto): Partial<Contact> {
  const columns: Partial<Contact> = {};
  if (dto.ticket_id !== undefined) columns.ticketId = dto.ticket_id;
  if (dto.out_contact_id !== undefined) columns.outContactId = dto.out_contact_id;
  // E.164, in the order given, each once.
  if (dto.phone_numbers !== undefined) columns.phoneNumbers = [...new Set(dto.phone_numbers.map((number) => toE164(number)!))];
  if (dto.out_ticket_url !== undefined) columns.outTicketUrl = dto.out_ticket_url;
  return columns;
}
