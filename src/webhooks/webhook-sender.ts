import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './ssrf-guard';

// One attempt on the wire: POST the body to the checked address (a `lookup`
// that answers only that address, so nothing resolves the host again; TLS
// still checks the certificate against the host's name), never following a
// redirect, within `timeoutMs` for the status line. Of the answer's body at
// most MAX_BODY_BYTES are read (and dropped): a receiver that answers a
// huge body, or dribbles it, costs one socket until the deadline, no memory.
//
// Connections are kept alive, one Agent per (scheme, host, checked address,
// port): a pooled socket only ever leads to an address that was checked.
export const MAX_BODY_BYTES = 16 * 1024;
const AGENT_IDLE_MS = 60_000;

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  retryAfterMs: number | null;
}

const agents = new Map<string, { agent: http.Agent; usedAt: number }>();
let sweeper: NodeJS.Timeout | undefined;

function agentFor(target: CheckedTarget): http.Agent {
  const key = `${target.url.protocol}//${target.host}/${target.address}:${target.port}`;
  let entry = agents.get(key);
  if (!entry) {
    const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
    entry = { agent: target.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options), usedAt: Date.now() };
    agents.set(key, entry);
    sweeper ??= setInterval(sweepAgents, AGENT_IDLE_MS).unref();
  }
  entry.usedAt = Date.now();
  return entry.agent;
}

function sweepAgents(): void {
  const now = Date.now();
  for (const [key, entry] of agents) {
    if (now - entry.usedAt > AGENT_IDLE_MS) {
      entry.agent.destroy();
      agents.delete(key);
    }
  }
}

// Closes every kept-alive connection (the app's shutdown).
export function closeWebhookConnections(): void {
  for (const entry of agents.values()) entry.agent.destroy();
  agents.clear();
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
}

export function postWebhook(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptOutcome> {
  // Every name resolves to the checked address (a literal address is not
  // looked up at all).
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const secure = target.url.protocol === 'https:';
  const payload = Buffer.from(body);
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const options: https.RequestOptions = {
      method: 'POST',
      hostname: target.host,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      agent: agentFor(target),
      lookup,
      ...(secure && !/^[\d.]+$|:/.test(target.host) ? { servername: target.host } : {}),
      headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'Switchboard-Webhooks/1' },
    };
    const onResponse = (response: http.IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      settle({ statusCode: status, error: describeStatus(status), retryAfterMs });
      // Read (and drop) a little of the body, so a small answer leaves the
      // connection reusable; a large or slow one ends it.
      let read = 0;
      const bodyTimer = setTimeout(() => response.destroy(), timeoutMs).unref();
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_BODY_BYTES) response.destroy();
      });
      response.on('close', () => clearTimeout(bodyTimer));
      response.on('error', () => undefined);
    };
    const request = secure ? https.request(options, onResponse) : http.request(options, onResponse);
    const timer = setTimeout(() => {
      settle({ statusCode: null, error: `timed out after ${timeoutMs} ms`, retryAfterMs: null });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle({ statusCode: null, error: describeError(error), retryAfterMs: null }));
    request.end(payload);
  });
}

function describeStatus(status: number): string | null {
  if (status >= 200 && status <= 299) return null;
  if (status >= 300 && status <= 399) return `redirect (${status}) not followed`;
  return `answered ${status}`;
}

function describeError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(error.code ?? '') || /SSL|TLS|certificate/i.test(error.message)) {
        return `TLS error: ${error.message}`;
      }
      return error.message.slice(0, 200);
  }
}

// Retry-After: seconds, or an HTTP date.
export function parseRetryAfter(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
