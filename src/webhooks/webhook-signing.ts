import { createHmac, randomBytes } from 'node:crypto';

// Standard Webhooks signatures (https://www.standardwebhooks.com): a secret
// is `whsec_` + base64 of 32 random bytes; a signature is
// `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed by the secret's
// bytes>`. Several signatures (an old and a new secret, during the overlap
// after a rotation) are sent space-separated; a receiver accepts any that
// matches. Node's own HMAC, not the `standardwebhooks` package's pure-JS
// one: this is the delivery's hot path (the package verifies it in the tests,
// byte for byte).
const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

const keys = new Map<string, Buffer>();

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    if (keys.size > 10_000) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

// The three headers of one attempt, signed with every secret given.
export function signedHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signature(s, id, timestampSeconds, body)).join(' '),
  };
}
