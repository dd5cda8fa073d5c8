import type { CompanyTable } from '../database/company-rows';

// A CRM ticket and the end user's numbers; calls made with its ticket_id
// dial them. Phone numbers are stored in E.164.
export interface ContactRow {
  id: string;
  company_id: string;
  ticket_id: string;
  out_contact_id: string | null;
  phone_numbers: string[];
  out_ticket_url: string | null;
}

// The columns a request may set.
export type ContactColumns = Partial<Omit<ContactRow, 'id' | 'company_id'>>;

export const CONTACTS: CompanyTable = {
  name: 'contacts',
  columns: 'id, company_id, ticket_id, out_contact_id, phone_numbers, out_ticket_url',
};
