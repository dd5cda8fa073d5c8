import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app';
import { CompaniesService } from '../../src/companies/companies.service';
import { loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestCompany {
  key: string;
  token: string;
  auth: string; // the Authorization header value
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

// The real application (Fastify, pipes, filter, Postgres) on this test
// file's own database, driven over HTTP through Fastify's inject.
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly db: Database,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<TestApp> {
    const url = process.env.SWITCHBOARD_TEST_DATABASE_URL;
    if (!url) throw new Error('no test database: is test/setup/per-file.ts a setupFilesAfterEnv?');
    const config = loadConfig({ LOG_LEVEL: 'fatal', SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN, SCHEDULER_ENABLED: 'false', WEBHOOKS_ENABLED: 'false', TELEPHONY_ENABLED: 'false', SIP_ENABLED: 'false', CALL_EXPIRY_ENABLED: 'false', DB_POOL_SIZE: '10', ...env });
    const app = await createApp(config, url);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new TestApp(app, app.get(Database));
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  async request<T = any>(method: string, url: string, options: { body?: unknown; auth?: string | TestCompany; headers?: Record<string, string>; rawBody?: string; remoteAddress?: string } = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = typeof options.auth === 'string' ? options.auth : options.auth?.auth;
    if (auth) headers.authorization = auth;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await this.app.inject({ method: method as 'GET', url, headers, payload, remoteAddress: options.remoteAddress });
    let body: unknown = response.body;
    if ((response.headers['content-type'] ?? '').toString().includes('json') && response.body.length > 0) body = JSON.parse(response.body);
    return { status: response.statusCode, body: body as T, headers: response.headers as TestResponse['headers'] };
  }

  get = <T = any>(url: string, auth?: string | TestCompany) => this.request<T>('GET', url, { auth });
  post = <T = any>(url: string, body: unknown, auth?: string | TestCompany, headers?: Record<string, string>) => this.request<T>('POST', url, { body, auth, headers });
  patch = <T = any>(url: string, body: unknown, auth?: string | TestCompany) => this.request<T>('PATCH', url, { body, auth });
  delete = <T = any>(url: string, auth?: string | TestCompany) => this.request<T>('DELETE', url, { auth });

  // A new company with one API token.
  async createCompany(key = `co-${randomBytes(5).toString('hex')}`): Promise<TestCompany> {
    const { token } = await this.app.get(CompaniesService).createCompany(key, `Company ${key}`);
    return { key, token, auth: basicAuth(key, token) };
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
