import { Injectable } from '@nestjs/common';
import { deleteRow, insertRow, selectPage, selectRow, updateRow } from '../../database/company-rows';
import { Database } from '../../database/database';
import { VOICE_PROVIDERS, VoiceProviderColumns, VoiceProviderRow } from './voice-provider';

// All SQL on voice providers (the dial worker reads them with its own).
@Injectable()
export class VoiceProvidersRepository {
  constructor(private readonly db: Database) {}

  findById(companyId: string, id: string): Promise<VoiceProviderRow | null> {
    return selectRow(this.db, VOICE_PROVIDERS, companyId, id);
  }

  // In the order the company dials through them.
  list(companyId: string, offset: number, limit: number): Promise<[VoiceProviderRow[], number]> {
    return selectPage(this.db, VOICE_PROVIDERS, { where: 'company_id = $1', values: [companyId], orderBy: 'priority, id' }, { offset, limit });
  }

  insert(companyId: string, columns: VoiceProviderColumns): Promise<VoiceProviderRow> {
    return insertRow(this.db, VOICE_PROVIDERS, companyId, columns);
  }

  update(companyId: string, id: string, columns: VoiceProviderColumns): Promise<VoiceProviderRow | null> {
    return updateRow(this.db, VOICE_PROVIDERS, companyId, id, columns);
  }

  delete(companyId: string, id: string): Promise<boolean> {
    return deleteRow(this.db, VOICE_PROVIDERS, companyId, id);
  }
}
