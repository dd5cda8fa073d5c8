import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// A CRM ticket and the end user's numbers; calls made with its ticket_id
// dial them. Phone numbers are stored in E.164.
@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'company_id', type: 'bigint' })
  companyId: string;

  @Column({ name: 'ticket_id', type: 'text' })
  ticketId: string;

  @Column({ name: 'out_contact_id', type: 'text', nullable: true })
  outContactId: string | null;

  @Column({ name: 'phone_numbers', type: 'text', array: true, default: () => `'{}'` })
  phoneNumbers: string[];

  @Column({ name: 'out_ticket_url', type: 'text', nullable: true })
  outTicketUrl: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
