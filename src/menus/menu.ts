import type { CompanyTable } from '../database/company-rows';
import type { BusinessHours } from './business-hours';

export const MENU_TYPES = ['ivr_menu', 'mobile_menu', 'web_menu'] as const;
export const MENU_STATES = ['open', 'after_hours', 'manual_redirection'] as const;
export const OFFER_TYPES = ['cascade', 'broadcast'] as const;
export const RECORDING_OPTIONS = ['always', 'never', 'ask_permission'] as const;
export type MenuType = (typeof MENU_TYPES)[number];
export type MenuState = (typeof MENU_STATES)[number];
export type OfferType = (typeof OFFER_TYPES)[number];
export type RecordingOption = (typeof RECORDING_OPTIONS)[number];
export type { BusinessHours };

// A menu as the Manager API reads it. Deleted menus stay (calls point at
// them) with `deleted` set. Its stored `path` (kept by triggers) is the
// Calls API's to read.
export interface MenuRow {
  id: string;
  company_id: string;
  parent_id: string | null;
  name: string;
  menu_type: MenuType;
  position: number;
  state: MenuState;
  languages: string[];
  output_msg: string | null;
  hidden: boolean;
  offer_type: OfferType;
  recording_option: RecordingOption;
  business_hours: BusinessHours | null;
  deleted: boolean;
}

// The columns a request may set (`deleted` only through a delete).
export type MenuColumns = Partial<Omit<MenuRow, 'id' | 'company_id' | 'deleted'>>;

export const MENUS: CompanyTable = {
  name: 'menus',
  columns: 'id, company_id, parent_id, name, menu_type, position, state, languages, output_msg, hidden, offer_type, recording_option, business_hours, deleted',
};
