import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// One tenant: a CCAI subdomain. `key` is the Basic-auth user name.
@Entity('companies')
export class Company {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  key: string;

  @Column('text')
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
