import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import type { ProviderEvent } from '../voice-provider.port';
import type { SimulatorRulesRepository } from './simulator-rules.repository';
import { SimulatorAdapter } from './simulator.adapter';

// An 8 kHz mono 16-bit WAV of `ms` of silence.
function wav(ms: number): string {
  const data = Buffer.alloc(Math.round((8000 * 2 * ms) / 1000));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const path = join(mkdtempSync(join(tmpdir(), 'sim-')), 'prompt.wav');
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}

describe('SimulatorAdapter', () => {
  // No rules: the default behaviour (answer after 500 ms).
  const rules = { forNumber: async () => [] } as unknown as SimulatorRulesRepository;
  const config = { SIMULATOR_HANGUP_AFTER_MS: 60_000, SIMULATOR_MEDIA_TIMEOUT_MS: 100 } as AppConfig;

  it("without a rule, the end user hangs up once the call's prompts end; seqs never repeat", async () => {
    const sim = new SimulatorAdapter(rules, config);
    const events: ProviderEvent[] = [];
    sim.onEvent((event) => events.push(event));
    await sim.dial({ legId: 'l1', companyId: '1', callId: '1', to: '+18596579625', from: null, provider: { providerId: '1', kind: 'simulator' }, ringTimeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 550));
    await sim.play('l1', 'p1', wav(100));
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'ringing'],
      [2, 'answered'],
      [4, 'prompt_ended'],
      [5, 'ended'],
    ]);
    expect(events[3]).toMatchObject({ cause: 'remote_hangup' });
    expect(sim.legsUp).toBe(0);
    sim.onApplicationShutdown();
  });

  it("the engine's hang-up ends a ringing leg as cancelled, after the last event delivered", async () => {
    const sim = new SimulatorAdapter(rules, config);
    const events: ProviderEvent[] = [];
    sim.onEvent((event) => events.push(event));
    await sim.dial({ legId: 'l2', companyId: '1', callId: '2', to: '+18596579625', from: null, provider: { providerId: '1', kind: 'simulator' }, ringTimeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.hangup('l2');
    await sim.hangup('unknown'); // a no-op
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'ringing'],
      [2, 'ended'],
    ]);
    expect(events[1]).toMatchObject({ cause: 'local_hangup', sipCode: 487 });
    sim.onApplicationShutdown();
  });
});
