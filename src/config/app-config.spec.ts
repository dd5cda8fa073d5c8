import { ConfigError, loadConfig, publicBaseUrl, trustedProxies } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for a bare environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'log', SCHEDULER_ENABLED: true, SCHEDULER_TICK_MS: 1000, SCHEDULER_BATCH_SIZE: 100 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SWITCHBOARD_ADMIN_TOKEN).toBeUndefined();
  });

  it('reads and converts what is set', () => {
    const config = loadConfig({ PORT: '8080', SCHEDULER_ENABLED: 'false', DATABASE_URL: 'postgres://u@h:5432/db', SCHEDULER_BATCH_SIZE: '500' });
    expect(config).toMatchObject({ PORT: 8080, SCHEDULER_ENABLED: false, DATABASE_URL: 'postgres://u@h:5432/db', SCHEDULER_BATCH_SIZE: 500 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// URL'],
    [{ SWITCHBOARD_ADMIN_TOKEN: 'short' }, 'SWITCHBOARD_ADMIN_TOKEN must be at least 16 characters'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ SCHEDULER_ENABLED: 'perhaps' }, 'SCHEDULER_ENABLED must be true or false'],
    [{ SCHEDULER_TICK_MS: '10' }, 'SCHEDULER_TICK_MS must be a whole number from 50 to 3600000'],
    [{ SIP_ENABLED: 'maybe' }, 'SIP_ENABLED must be true or false'],
    [{ SIP_LISTEN: 'localhost:5070' }, 'SIP_LISTEN must be an IPv4 address and a port from 1 to 65534'],
    [{ SIP_LISTEN: '127.0.0.1:65535' }, 'SIP_LISTEN must be an IPv4 address and a port from 1 to 65534'],
    [{ SIP_RTP_PORTS: '10000' }, 'SIP_RTP_PORTS must be a range of UDP ports such as 10000-10999'],
    [{ SIP_RTP_PORTS: '20000-10000' }, 'SIP_RTP_PORTS must be a range of UDP ports from 1024 to 65535 with at least two ports'],
    [{ SIP_RTP_PORTS: '100-200' }, 'SIP_RTP_PORTS must be a range of UDP ports from 1024 to 65535 with at least two ports'],
    [{ PUBLIC_URL: 'calls.example.com' }, 'PUBLIC_URL must be an http(s) URL'],
    [{ PUBLIC_URL: 'https://calls.example.com/?a=1' }, 'PUBLIC_URL must be an http(s) URL'],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, "TRUSTED_PROXIES: '10.0.0.0/33' is not an address"],
    [{ TRUSTED_PROXIES: 'proxy.internal' }, "TRUSTED_PROXIES: 'proxy.internal' is not an address"],
    [{ TRUSTED_PROXIES: '10.0.0.1, 10.0.0.2' }, 'TRUSTED_PROXIES must be a comma-separated list'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads PUBLIC_URL and TRUSTED_PROXIES', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://calls.example.com/sb/', TRUSTED_PROXIES: '10.0.0.0/8,::1,loopback,192.168.1.7' });
    expect(publicBaseUrl(config)).toBe('https://calls.example.com/sb');
    expect(trustedProxies(config)).toEqual(['10.0.0.0/8', '::1', 'loopback', '192.168.1.7']);
    expect(trustedProxies(loadConfig({}))).toBe(false);
    expect(publicBaseUrl(loadConfig({}))).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });
});
