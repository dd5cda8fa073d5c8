import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LegsRepository } from './dialing/legs.repository';
import { TelephonyService } from './dialing/telephony.service';
import { SimulatorAdapter } from './simulator/simulator.adapter';
import { SipAdapter } from './sip/sip-adapter';
import { SipModule } from './sip/sip.module';
import { SimulatorRulesRepository } from './simulator/simulator-rules.repository';
import { VOICE_ADAPTERS, VoiceAdapters } from './voice-adapters';
import type { VoiceProviderAdapter } from './voice-provider.port';
import { VoiceProvidersController } from './voice-providers/voice-providers.controller';
import { VoiceProvidersRepository } from './voice-providers/voice-providers.repository';
import { VoiceProvidersService } from './voice-providers/voice-providers.service';

// Telephony: voice providers (Manager API), the adapters that carry legs,
// and the service that dials and turns provider events into lifecycle events.
//
// The adapters, one per provider kind (voice-provider.port.ts): the
// in-process simulator, and the SIP user agent (SipModule: baresip,
// supervised; when SIP is off it says why through availability(), and a
// sip provider's calls fail over or fail with that reason). VoiceAdapters
// registers each by its kind; TelephonyService dials through them and
// hears their events.
@Module({
  imports: [CallsModule, SipModule],
  controllers: [VoiceProvidersController],
  providers: [
    VoiceProvidersService,
    VoiceProvidersRepository,
    SimulatorRulesRepository,
    SimulatorAdapter,
    { provide: VOICE_ADAPTERS, useFactory: (...adapters: VoiceProviderAdapter[]) => adapters, inject: [SimulatorAdapter, SipAdapter] },
    VoiceAdapters,
    LegsRepository,
    TelephonyService,
  ],
  exports: [VoiceAdapters, TelephonyService, SimulatorAdapter],
})
export class TelephonyModule {}
