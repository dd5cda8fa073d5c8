import { Module, Type } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LegsRepository } from './dialing/legs.repository';
import { TelephonyService } from './dialing/telephony.service';
import { SimulatorAdapter } from './simulator/simulator.adapter';
import { SimulatorRulesRepository } from './simulator/simulator-rules.repository';
import { VOICE_ADAPTERS, VoiceAdapters } from './voice-adapters';
import type { VoiceProviderAdapter } from './voice-provider.port';
import { VoiceProvidersController } from './voice-providers/voice-providers.controller';
import { VoiceProvidersRepository } from './voice-providers/voice-providers.repository';
import { VoiceProvidersService } from './voice-providers/voice-providers.service';

// Telephony: voice providers (Manager API), the adapters that carry legs
// (the simulator here; the SIP user agent plugs in beside it), and the
// service that dials and turns provider events into lifecycle events.

// The adapters this instance carries legs with, one class per provider
// kind (voice-provider.port.ts). To add one (the SIP user agent's), list its
// class here: Nest builds it, VoiceAdapters registers it by its kind, and
// TelephonyService dials that kind's providers through it and hears its events.
const ADAPTERS: Array<Type<VoiceProviderAdapter>> = [SimulatorAdapter];

@Module({
  imports: [CallsModule],
  controllers: [VoiceProvidersController],
  providers: [
    VoiceProvidersService,
    VoiceProvidersRepository,
    SimulatorRulesRepository,
    ...ADAPTERS,
    { provide: VOICE_ADAPTERS, useFactory: (...adapters: VoiceProviderAdapter[]) => adapters, inject: ADAPTERS },
    VoiceAdapters,
    LegsRepository,
    TelephonyService,
  ],
  exports: [VoiceAdapters, TelephonyService, SimulatorAdapter],
})
export class TelephonyModule {}
