import { Injectable } from '@nestjs/common';
import { parseId } from '../../common/ids';
import { VoiceProviderRow } from './voice-provider';
import { voiceProviderError } from './voice-provider-errors';
import { parseVoiceProvider } from './voice-provider.request';
import { VoiceProvidersRepository } from './voice-providers.repository';

@Injectable()
export class VoiceProvidersService {
  constructor(private readonly providers: VoiceProvidersRepository) {}

  create(companyId: string, body: unknown): Promise<VoiceProviderRow> {
    return this.providers.insert(companyId, parseVoiceProvider(body, null));
  }

  list(companyId: string, offset: number, limit: number): Promise<[VoiceProviderRow[], number]> {
    return this.providers.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<VoiceProviderRow> {
    const providerId = parseId(id);
    const found = providerId && (await this.providers.findById(companyId, providerId));
    if (!found) throw voiceProviderError('notFound', id);
    return found;
  }

  // A partial update; the result is checked whole (a sip provider keeps a URI).
  async update(companyId: string, id: string, body: unknown): Promise<VoiceProviderRow> {
    const existing = await this.get(companyId, id);
    const updated = await this.providers.update(companyId, existing.id, parseVoiceProvider(body, existing));
    if (!updated) throw voiceProviderError('notFound', id);
    return updated;
  }

  // Legs already placed keep running; a leg still waiting for its turn on
  // this provider fails over to the next one when its turn comes.
  async delete(companyId: string, id: string): Promise<void> {
    const providerId = parseId(id);
    if (!providerId || !(await this.providers.delete(companyId, providerId))) throw voiceProviderError('notFound', id);
  }
}
