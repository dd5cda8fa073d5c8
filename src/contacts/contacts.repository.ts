import { Injectable } from '@nestjs/common';
import { deleteRow, insertRow, selectPage, selectRow, updateRow } from '../database/company-rows';
import { Database } from '../database/database';
import { ContactColumns, ContactRow, CONTACTS } from './contact';

// All SQL on contacts.
@Injectable()
export class ContactsRepository {
  constructor(private readonly db: Database) {}

  findById(companyId: string, id: string): Promise<ContactRow | null> {
    return selectRow(this.db, CONTACTS, companyId, id);
  }

  // `ticketId`: only the contact with that ticket_id (compared exactly).
  list(companyId: string, options: { ticketId?: string; offset: number; limit: number }): Promise<[ContactRow[], number]> {
    const filter =
      options.ticketId === undefined
        ? { where: 'company_id = $1', values: [companyId], orderBy: 'id' }
        : { where: 'company_id = $1 AND ticket_id = $2', values: [companyId, options.ticketId], orderBy: 'id' };
    return selectPage(this.db, CONTACTS, filter, options);
  }

  insert(companyId: string, columns: ContactColumns): Promise<ContactRow> {
    return insertRow(this.db, CONTACTS, companyId, columns);
  }

  update(companyId: string, id: string, columns: ContactColumns): Promise<ContactRow | null> {
    return updateRow(this.db, CONTACTS, companyId, id, columns);
  }

  delete(companyId: string, id: string): Promise<boolean> {
    return deleteRow(this.db, CONTACTS, companyId, id);
  }
}
