import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

// Only the SHA-256 of a token is stored; the token itself is shown once.
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'company_id', type: 'bigint' })
  companyId: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
