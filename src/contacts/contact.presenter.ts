import { ContactRow } from './contact';

export function presentContact(contact: ContactRow) {
  return {
    id: Number(contact.id),
    ticket_id: contact.ticket_id,
    out_contact_id: contact.out_contact_id,
    phone_numbers: contact.phone_numbers,
    out_ticket_url: contact.out_ticket_url,
  };
}
