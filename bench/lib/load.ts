import autocannon from 'autocannon';
import http from 'node:http';
import { LatencySummary, summarize } from './report';

export interface LoadResult {
  seconds: number;
  ok: number; // 2xx answers
  perSecond: number; // 2xx answers per second
  latency: LatencySummary; // of 2xx answers, ms
  statuses: Record<string, number>;
  errors: number; // connection errors and timeouts
  firstFailure?: string; // the body of the first non-2xx answer
}

export interface CannonOptions {
  url: string; // the whole URL, path included
  authorization: string;
  body: () => string; // called once per request
  connections: number;
  seconds: number;
  overallRate?: number; // requests per second over all connections
}

// autocannon POSTing JSON, a fresh body per request (setupRequest). The
// latencies are taken from its 'response' events, unrounded and without the
// coordinated-omission fill-in autocannon adds at a fixed rate.
export function cannon(options: CannonOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let firstFailure: string | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.origin,
        connections: options.connections,
        duration: options.seconds,
        overallRate: options.overallRate,
        ignoreCoordinatedOmission: options.overallRate !== undefined ? true : undefined,
        headers: { authorization: options.authorization, 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: url.pathname,
            setupRequest: (request) => ({ ...request, body: options.body() }),
            onResponse: (status, body) => {
              if ((status < 200 || status > 299) && firstFailure === undefined) firstFailure = `${status} ${body.slice(0, 300)}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const ok = latencies.length;
        resolve({
          seconds: result.duration,
          ok,
          perSecond: ok / result.duration,
          latency: summarize(latencies),
          statuses,
          errors: result.errors + result.timeouts,
          firstFailure,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status <= 299) latencies.push(ms);
    });
  });
}

export interface JsonAnswer {
  status: number;
  body: string;
  ms: number;
}

// A small keep-alive JSON client for request loops written by hand (each
// worker awaits its answer before the next request).
export class JsonClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

  constructor(
    private readonly base: string,
    private readonly authorization: string,
  ) {}

  post(path: string, body: unknown): Promise<JsonAnswer> {
    const payload = JSON.stringify(body);
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { authorization: this.authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface SteadyRateOptions {
  base: string; // the service's origin
  path: string;
  authorization: string;
  body: () => unknown; // called once per request
  rate: number; // requests per second
  seconds: number;
}

// An open-loop load at a steady rate: one request every 1000/rate ms,
// whatever is still outstanding, each timed from the moment it was due (so a
// slow answer or a late send counts against the service, as a real client
// would see it). autocannon's overallRate sends each second's requests in a
// burst at the start of the second, which measures queueing, not the rate.
export async function steadyRate(options: SteadyRateOptions): Promise<LoadResult> {
  const client = new JsonClient(options.base, options.authorization);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstFailure: string | undefined;
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      client.post(options.path, options.body()).then(
        (answer) => {
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status >= 200 && answer.status <= 299) latencies.push(performance.now() - due);
          else firstFailure ??= `${answer.status} ${answer.body.slice(0, 300)}`;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  client.close();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ok: latencies.length, perSecond: latencies.length / seconds, latency: summarize(latencies), statuses, errors, firstFailure };
}
