import { Global, LoggerService, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { isAlive } from '../src/database/embedded-processes';
import { BaresipSupervisor } from '../src/telephony/sip/baresip-supervisor';
import { SipAdapter } from '../src/telephony/sip/sip-adapter';
import { SipModule } from '../src/telephony/sip/sip.module';
import { freeSipPorts, requireSipPackages } from './support/sip-peer';

// SipModule as the telephony module will import it: baresip starts and stops
// with the Nest application; SIP off is one log line and an answer to
// availability().

class Lines implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown) {
    this.lines.push(String(message));
  }
  error(message: unknown) {
    this.lines.push(String(message));
  }
  warn(message: unknown) {
    this.lines.push(String(message));
  }
}

async function appWith(env: NodeJS.ProcessEnv, logger: Lines) {
  const config = loadConfig(env);
  @Global()
  @Module({ providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] })
  class ConfigModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule, SipModule] }).compile();
  moduleRef.useLogger(logger);
  return moduleRef;
}

let dir: string;

beforeAll(async () => {
  requireSipPackages();
  dir = await mkdtemp(join(tmpdir(), 'sb-sipmod-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SipModule', () => {
  it('starts baresip with the app and stops it with the app', async () => {
    const ports = await freeSipPorts();
    const logger = new Lines();
    const app = await appWith({ SIP_LISTEN: `127.0.0.1:${ports.sip}`, SIP_RTP_PORTS: `${ports.rtp.low}-${ports.rtp.high}`, SWITCHBOARD_DATA_DIR: dir }, logger);
    await app.init();
    const supervisor = app.get(BaresipSupervisor);
    const pid = supervisor.pid!;
    expect(isAlive(pid)).toBe(true);
    expect(app.get(SipAdapter).availability()).toEqual({ available: true });
    expect(logger.lines.join('\n')).toContain(`SIP is on: baresip (pid ${pid}) listens on 127.0.0.1:${ports.sip}, RTP ${ports.rtp.low}-${ports.rtp.high}`);
    await app.close();
    expect(isAlive(pid)).toBe(false);
  });

  it('SIP_ENABLED=false: no baresip, one line saying SIP is off and why, availability() says why', async () => {
    const logger = new Lines();
    const app = await appWith({ SIP_ENABLED: 'false', SWITCHBOARD_DATA_DIR: dir }, logger);
    await app.init();
    const adapter = app.get(SipAdapter);
    expect(adapter.availability()).toEqual({ available: false, reason: 'SIP is off: SIP_ENABLED is false' });
    await expect(adapter.dial({ legId: 'l', companyId: 'c', callId: 'c', to: '+1555', from: null, ringTimeoutMs: 1000, provider: { providerId: 'p', kind: 'sip', sip: { uri: 'sip:127.0.0.1:5999', username: null, password: null, fromUser: null } } })).rejects.toThrow('SIP is off: SIP_ENABLED is false');
    expect(logger.lines.filter((line) => line.startsWith('SIP is off'))).toEqual(['SIP is off: SIP_ENABLED is false; only simulator providers carry calls']);
    await app.close();
  });

  it('a SIP port in use fails the app start with one line', async () => {
    const ports = await freeSipPorts();
    const first = await appWith({ SIP_LISTEN: `127.0.0.1:${ports.sip}`, SIP_RTP_PORTS: `${ports.rtp.low}-${ports.rtp.high}`, SWITCHBOARD_DATA_DIR: join(dir, 'a') }, new Lines());
    await first.init();
    try {
      const second = await appWith({ SIP_LISTEN: `127.0.0.1:${ports.sip}`, SWITCHBOARD_DATA_DIR: join(dir, 'b') }, new Lines());
      await expect(second.init()).rejects.toThrow(`the SIP user agent cannot listen on 127.0.0.1:${ports.sip} (Address already in use)`);
    } finally {
      await first.close();
    }
  });
});
