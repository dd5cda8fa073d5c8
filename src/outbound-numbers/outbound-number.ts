import type { CompanyTable } from '../database/company-rows';

// `number` is kept as configured (the Calls API answers it so); `e164` is
// its normal form, used to compare and to keep numbers unique.
export interface OutboundNumberRow {
  id: string;
  company_id: string;
  number: string;
  e164: string;
  is_default: boolean;
}

// The columns a request may set.
export type OutboundNumberColumns = Partial<Omit<OutboundNumberRow, 'id' | 'company_id'>>;

export const OUTBOUND_NUMBERS: CompanyTable = {
  name: 'outbound_numbers',
  columns: 'id, company_id, number, e164, is_default',
};
