import { DialRequest } from '../voice-provider.port';
import { sipDialTarget, userSpelling } from './sip-target';

function request(sip: Partial<NonNullable<DialRequest['provider']['sip']>> = {}, overrides: Partial<DialRequest> = {}): DialRequest {
  return {
    legId: 'call-1-1',
    companyId: 'c',
    callId: 'call-1',
    to: '+18596579625',
    from: '+13392195276',
    ringTimeoutMs: 30_000,
    provider: { providerId: 'p1', kind: 'sip', sip: { uri: 'sip:trunk.example.net:5060', username: null, password: null, fromUser: null, ...sip } },
    ...overrides,
  };
}

describe('sipDialTarget', () => {
  it('dials the number as the user on the trunk, the leg id as x-id, the caller id as From', () => {
    expect(sipDialTarget(request())).toEqual({ requestUri: 'sip:+18596579625@trunk.example.net:5060;x-id=call-1-1', fromUser: '+13392195276', hostPort: 'trunk.example.net:5060', authUser: null, authPassword: null });
  });

  it("keeps the trunk's URI parameters; the provider's from_user wins; credentials for digest auth", () => {
    const target = sipDialTarget(request({ uri: 'sip:10.0.0.5;transport=tcp', fromUser: 'acme', username: 'acme-user', password: 's3cr3t!' }));
    expect(target).toMatchObject({ requestUri: 'sip:+18596579625@10.0.0.5;transport=tcp;x-id=call-1-1', fromUser: 'acme', hostPort: '10.0.0.5', authUser: 'acme-user', authPassword: 's3cr3t!' });
  });

  it.each([
    [request({ uri: 'http://trunk' }), 'is not a sip:host[:port] URI'],
    [request({ uri: 'sip:trunk.example.net:99999' }), 'has no valid port'],
    [request({ uri: 'sips:trunk.example.net' }), 'asks for TLS'],
    [request({}, { to: '+1 859 657' }), 'cannot be dialed over SIP'],
    [request({}, { to: '' }), 'cannot be dialed over SIP'],
    [request({ fromUser: '<evil>' }), 'cannot be sent over SIP'],
    [request({ password: 'a;b' }), 'holds characters the SIP user agent cannot take'],
    [{ ...request(), provider: { providerId: 'sim', kind: 'simulator' } } as DialRequest, 'is not a SIP provider'],
  ])('refuses what cannot be dialed (%#): %s', (bad, message) => {
    expect(() => sipDialTarget(bad)).toThrow(message);
  });
});

describe('userSpelling', () => {
  it('spells a user in ways RFC 3261 treats as the same (unreserved characters escaped), never escaping "+"', () => {
    expect(userSpelling('+1339', 0)).toBe('+1339');
    expect(userSpelling('+1339', 1)).toBe('+133%39');
    expect(userSpelling('+1339', 2)).toBe('+13%339');
    expect(userSpelling('+1339', 15)).toBe('+%31%33%33%39');
    expect(userSpelling('+1339', 16)).toBeUndefined();
    const spellings = new Set(Array.from({ length: 16 }, (_, n) => userSpelling('+1339', n)));
    expect(spellings.size).toBe(16);
  });
});
