import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LegsRepository } from './dialing/legs.repository';
import { TelephonyService } from './dialing/telephony.service';
import { SimulatorAdapter } from './simulator/simulator.adapter';
import { SimulatorRulesRepository } from './simulator/simulator-rules.repository';
import { VOICE_ADAPTERS, VoiceAdapters } from './voice-adapters';
import { VoiceProvidersController } from './voice-providers/voice-providers.controller';
import { VoiceProvidersRepository } from './voice-providers/voice-providers.repository';
import { VoiceProvidersService } from './voice-providers/voice-providers.service';

// Telephony: voice providers (Manager API), the adapters that carry legs
// (the simulator here; the SIP user agent plugs in beside it), and the
// service that dials and turns provider events into lifecycle events.
//
// To add an adapter (the SIP one): provide its class and list it in
// VOICE_ADAPTERS' factory below; TelephonyService subscribes to its events
// and dials `sip` providers through it.
@Module({
  imports: [CallsModule],
  controllers: [VoiceProvidersController],
  providers: [
    VoiceProvidersService,
    VoiceProvidersRepository,
    SimulatorRulesRepository,
    SimulatorAdapter,
    { provide: VOICE_ADAPTERS, useFactory: (simulator: SimulatorAdapter) => [simulator], inject: [SimulatorAdapter] },
    VoiceAdapters,
    LegsRepository,
    TelephonyService,
  ],
  exports: [VoiceAdapters, TelephonyService, SimulatorAdapter],
})
export class TelephonyModule {}
