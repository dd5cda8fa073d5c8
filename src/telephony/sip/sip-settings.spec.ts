import { resolve } from 'node:path';
import { loadConfig } from '../../config/app-config';
import { findBaresip, sipSettingsFrom } from './sip-settings';

describe('sipSettingsFrom', () => {
  it('is on with the defaults when baresip is found', () => {
    const settings = sipSettingsFrom(loadConfig({}), '/usr/bin/baresip');
    expect(settings).toEqual({ enabled: true, binary: '/usr/bin/baresip', listen: { host: '127.0.0.1', port: 5070 }, rtpPorts: { low: 10000, high: 10999 }, stateDir: resolve('.data', 'sip'), rtpTimeoutSeconds: 10, silenceMs: 60_000 });
  });

  it('is off, saying why, when baresip is not installed and SIP_ENABLED is unset', () => {
    expect(sipSettingsFrom(loadConfig({}), null)).toEqual({ enabled: false, reason: 'the SIP user agent (baresip) is not installed; install the Debian package baresip-core to turn SIP on' });
  });

  it('is off when SIP_ENABLED is false, installed or not', () => {
    expect(sipSettingsFrom(loadConfig({ SIP_ENABLED: 'false' }), '/usr/bin/baresip')).toEqual({ enabled: false, reason: 'SIP_ENABLED is false' });
  });

  it('SIP_ENABLED=true without baresip is a start-up error naming the package', () => {
    expect(() => sipSettingsFrom(loadConfig({ SIP_ENABLED: 'true' }), null)).toThrow(
      'SIP_ENABLED is true but the SIP user agent (baresip) is not installed: install the Debian package baresip-core (apt-get install -y --no-install-recommends baresip-core), or unset SIP_ENABLED',
    );
  });

  it('reads SIP_LISTEN and SIP_RTP_PORTS', () => {
    const settings = sipSettingsFrom(loadConfig({ SIP_LISTEN: '10.1.2.3:5080', SIP_RTP_PORTS: '20000-20099', SWITCHBOARD_DATA_DIR: '/var/lib/sb' }), '/usr/bin/baresip');
    expect(settings).toMatchObject({ listen: { host: '10.1.2.3', port: 5080 }, rtpPorts: { low: 20000, high: 20099 }, stateDir: '/var/lib/sb/sip' });
  });

  it('finds baresip on the PATH only where it is', () => {
    expect(findBaresip('/nonexistent')).toBe(findBaresip(''));
  });
});
