import { ApiProperty } from '@nestjs/swagger';
import { SIMULATOR_OUTCOMES } from '../simulator/simulator-rule';

// The answers of the voice providers API, as the OpenAPI document describes
// them (presentVoiceProvider, presentSimulatorRule give them).
export class SipSettingsResponse {
  @ApiProperty({ example: 'sip:trunk.example.net:5060' }) uri: string;
  @ApiProperty({ type: String, nullable: true, example: 'acme' }) username: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+13392195276' }) from_user: string | null;
  @ApiProperty({ description: 'Whether a password is set (it is write-only)' }) password_set: boolean;
}

export class VoiceProviderResponse {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'carrier-a' }) name: string;
  @ApiProperty({ enum: ['sip', 'simulator'] }) kind: string;
  @ApiProperty({ description: 'Lower dials first; the next one is tried on a provider failure' }) priority: number;
  @ApiProperty({ type: SipSettingsResponse, nullable: true, description: 'Only for kind sip' }) sip: SipSettingsResponse | null;
  @ApiProperty({ description: 'Dials per second, across all instances' }) calls_per_second: number;
  @ApiProperty({ description: 'Legs on the wire at once, across all instances' }) max_concurrent_calls: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class SimulatorDtmfResponse {
  @ApiProperty({ description: 'After the answer, ms' }) after_ms: number;
  @ApiProperty({ example: '1' }) digits: string;
}

export class SimulatorFaultsResponse {
  @ApiProperty() duplicate_events: boolean;
  @ApiProperty() reorder_events: boolean;
  @ApiProperty() drop_final_event: boolean;
}

export class SimulatorRuleResponse {
  @ApiProperty() id: number;
  @ApiProperty() voice_provider_id: number;
  @ApiProperty({ type: String, nullable: true, example: '+18596579625' }) number: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+1859' }) prefix: string | null;
  @ApiProperty({ enum: SIMULATOR_OUTCOMES }) outcome: string;
  @ApiProperty() ring_ms: number;
  @ApiProperty({ type: [SimulatorDtmfResponse] }) dtmf: SimulatorDtmfResponse[];
  @ApiProperty({ type: Number, nullable: true }) hangup_after_ms: number | null;
  @ApiProperty({ type: SimulatorFaultsResponse }) faults: SimulatorFaultsResponse;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
