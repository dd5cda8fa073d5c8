import { Contact } from './contact.entity';

export function presentContact(contact: Contact) {
  return {
    id: Number(contact.id),
    ticket_id: contact.ticketId,
    out_contact_id: contact.outContactId,
    phone_numbers: contact.phoneNumbers,
    out_ticket_url: contact.outTicketUrl,
  };
}
