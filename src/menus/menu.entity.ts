import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BusinessHours } from './business-hours';

export const MENU_TYPES = ['ivr_menu', 'mobile_menu', 'web_menu'] as const;
export const MENU_STATES = ['open', 'after_hours', 'manual_redirection'] as const;
export const OFFER_TYPES = ['cascade', 'broadcast'] as const;
export const RECORDING_OPTIONS = ['always', 'never', 'ask_permission'] as const;
export type MenuType = (typeof MENU_TYPES)[number];
export type MenuState = (typeof MENU_STATES)[number];
export type OfferType = (typeof OFFER_TYPES)[number];
export type RecordingOption = (typeof RECORDING_OPTIONS)[number];

// Business hours live in their own pure module; re-exported for old imports.
export { WEEKDAYS } from './business-hours';
export type { BusinessHours, Weekday } from './business-hours';

@Entity('menus')
export class Menu {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'company_id', type: 'bigint' })
  companyId: string;

  @Column({ name: 'parent_id', type: 'bigint', nullable: true })
  parentId: string | null;

  @Column('text')
  name: string;

  @Column({ name: 'menu_type', type: 'text' })
  menuType: MenuType;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @Column({ type: 'text', default: 'open' })
  state: MenuState;

  @Column({ type: 'text', array: true, default: () => `'{en}'` })
  languages: string[];

  @Column({ name: 'output_msg', type: 'text', nullable: true })
  outputMsg: string | null;

  @Column({ type: 'boolean', default: false })
  hidden: boolean;

  @Column({ name: 'offer_type', type: 'text', default: 'cascade' })
  offerType: OfferType;

  @Column({ name: 'recording_option', type: 'text', default: 'never' })
  recordingOption: RecordingOption;

  @Column({ name: 'business_hours', type: 'jsonb', nullable: true })
  businessHours: BusinessHours | null;

  @Column({ type: 'boolean', default: false })
  deleted: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
