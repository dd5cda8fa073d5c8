import type { CompanyTable } from '../database/company-rows';

// What a custom status means to the engine: an agent in it takes no calls.
export const CUSTOM_AVAILABILITIES = ['away', 'offline'] as const;
export type CustomAvailability = (typeof CUSTOM_AVAILABILITIES)[number];

// A company's agent status. The four built-in ones (Available, Busy, Away,
// Offline: one per availability the engine knows) are seeded with the
// company and cannot be deleted; custom ones are away/offline variants.
export interface UserStatusRow {
  id: string;
  company_id: string;
  name: string;
  color: string;
  wfm_id: number | null;
  availability: 'available' | 'busy' | 'away' | 'offline';
  built_in: boolean;
  deleted: boolean;
}

export type UserStatusColumns = Partial<Pick<UserStatusRow, 'name' | 'color' | 'wfm_id' | 'availability'>>;

export const USER_STATUSES: CompanyTable = {
  name: 'user_statuses',
  columns: 'id, company_id, name, color, wfm_id, availability, built_in, deleted',
};
