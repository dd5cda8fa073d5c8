import { DialRequest } from '../voice-provider.port';

// What the adapter dials for a request: the Request-URI on the trunk and the
// account (AOR, credentials) of the per-leg user agent that places it.
export interface SipDialTarget {
  requestUri: string; // sip:<number>@<trunk host[:port]>[;trunk params];x-id=<legId>
  fromUser: string;
  hostPort: string; // the trunk's host[:port], the AOR's domain (From)
  authUser: string | null;
  authPassword: string | null;
}

// Characters that survive in baresip's account line and in a URI user part
// without escaping: the number, the From user and the credentials.
const USER = /^[A-Za-z0-9+*._~-]{1,64}$/;
const CREDENTIAL = /^[A-Za-z0-9+*#._~!$%&'()=@:/?^{}|`-]{1,128}$/;
const SIP_URI = /^sips?:(?:([^@;>\s]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?((?:;[A-Za-z0-9._~%=+-]+)*)$/i;

// The trunk and the leg as the user agent will dial them, or an Error saying
// why they cannot be dialed (the engine's provider_error, with this message).
export function sipDialTarget(request: DialRequest): SipDialTarget {
  const sip = request.provider.sip;
  if (request.provider.kind !== 'sip' || !sip) throw new Error(`provider ${request.provider.providerId} is not a SIP provider`);
  const uri = SIP_URI.exec(sip.uri.trim());
  if (!uri) throw new Error(`the SIP URI ${JSON.stringify(sip.uri)} of provider ${request.provider.providerId} is not a sip:host[:port] URI`);
  if (/^sips:/i.test(sip.uri.trim())) throw new Error(`the SIP URI ${sip.uri} asks for TLS (sips:), which the SIP user agent does not offer; use sip:`);
  const [, , host, port, params] = uri;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new Error(`the SIP URI ${sip.uri} of provider ${request.provider.providerId} has no valid port`);
  const number = request.to.trim();
  if (!USER.test(number)) throw new Error(`the number ${JSON.stringify(request.to)} cannot be dialed over SIP`);
  const fromUser = sip.fromUser ?? request.from ?? 'anonymous';
  if (!USER.test(fromUser)) throw new Error(`the caller id ${JSON.stringify(fromUser)} cannot be sent over SIP`);
  for (const [what, value] of [['username', sip.username], ['password', sip.password]] as const) {
    if (value !== null && value !== '' && !CREDENTIAL.test(value)) throw new Error(`the SIP ${what} of provider ${request.provider.providerId} holds characters the SIP user agent cannot take (spaces, quotes, ;, <, >, or over 128 characters)`);
  }
  const hostPort = port ? `${host}:${port}` : host;
  const legParam = `;x-id=${encodeURIComponent(request.legId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return {
    requestUri: `sip:${number}@${hostPort}${params ?? ''}${legParam}`,
    fromUser,
    hostPort,
    authUser: sip.username || (sip.password ? fromUser : null),
    authPassword: sip.password || null,
  };
}

const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

// The n-th spelling of a URI user that RFC 3261 treats as the same user: an
// unreserved character and its %XX escape are equivalent (19.1.4). baresip
// finds a user agent by the exact text of its AOR, so concurrent legs with the
// same From user on one trunk each get their own spelling; the trunk sees the
// same caller. undefined when there are no more spellings.
export function userSpelling(user: string, n: number): string | undefined {
  if (n === 0) return user;
  const chars = [...user];
  const escapable = chars.map((c, i) => (UNRESERVED.test(c) ? i : -1)).filter((i) => i >= 0).reverse();
  if (n >= 2 ** escapable.length) return undefined;
  for (let bit = 0; bit < escapable.length; bit++) {
    if (n & (1 << bit)) {
      const i = escapable[bit];
      chars[i] = `%${chars[i].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return chars.join('');
}
