import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { migrateDatabase } from '../src/database/migrate-database';
import { adminQuery, dropDatabase, serverUrl, withDatabase } from './setup/test-database';
import { TcpProxy } from './support/tcp-proxy';

describe('start-up and operability', () => {
  it('migrates once when several instances start together on an empty database', async () => {
    const name = `sb_t_${process.env.SWITCHBOARD_TEST_RUN_ID}_fresh_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    try {
      const url = withDatabase(serverUrl(), name);
      const applied = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      // Exactly one instance applied each migration; the others found nothing to do.
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      expect(applied.filter((list) => list.length > 0)).toHaveLength(1);
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM migrations ORDER BY id');
      await client.end();
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      // And a later start has nothing to apply.
      expect(await migrateDatabase(url)).toEqual([]);
    } finally {
      await dropDatabase(name);
    }
  });

  it('answers 503 on /ready while the database is down, survives, and recovers by itself', async () => {
    const { proxy, url: proxied } = await TcpProxy.inFrontOf(process.env.SWITCHBOARD_TEST_DATABASE_URL!);
    const app = await createApp(loadConfig({ LOG_LEVEL: 'fatal', SCHEDULER_ENABLED: 'false', SWITCHBOARD_ADMIN_TOKEN: 'operator-token-0123456789' }), proxied);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ method: 'GET', url, headers });
      return { status: res.statusCode, body: res.json() };
    };
    const admin = { authorization: 'Bearer operator-token-0123456789', 'content-type': 'application/json' };
    try {
      expect((await get('/ready')).status).toBe(200);
      const created = await app.inject({ method: 'POST', url: '/admin/companies', headers: admin, payload: JSON.stringify({ key: 'restart', name: 'Restart' }) });
      const auth = { authorization: `Basic ${Buffer.from(`restart:${created.json().token}`).toString('base64')}` };
      expect((await get('/manager/api/v1/agents', auth)).status).toBe(200);

      await proxy.down(); // the database "restarts": connections cut, new ones refused
      expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await get('/ready')).toEqual({ status: 503, body: { error: expect.any(String), status: expect.any(Number), message: 'Database unavailable' } });
      const during = await get('/manager/api/v1/agents', auth);
      expect(during.status).toBe(503);
      expect(during.body.message).toBe('Database unavailable');
      expect((await app.inject({ method: 'GET', url: '/manager/api/v1/agents', headers: auth })).headers['retry-after']).toBe('1');

      await proxy.up(); // back, on the same port
      expect((await get('/ready')).status).toBe(200);
      expect((await get('/manager/api/v1/agents', auth)).status).toBe(200);
    } finally {
      await app.close();
      await proxy.down();
    }
  });

  it('answers unknown routes and malformed JSON with a 4xx and a message, never a 500', async () => {
    const app = await createApp(loadConfig({ LOG_LEVEL: 'fatal', SCHEDULER_ENABLED: 'false' }), process.env.SWITCHBOARD_TEST_DATABASE_URL!);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const notFound = await app.inject({ method: 'GET', url: '/nope' });
      expect(notFound.statusCode).toBe(404);
      expect(typeof notFound.json().message).toBe('string');
      expect(notFound.headers['x-request-id']).toBeDefined();
      const bad = await app.inject({ method: 'POST', url: '/admin/companies', headers: { 'content-type': 'application/json' }, payload: '{"key": ' });
      expect(bad.statusCode).toBe(400);
      const docs = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(docs.statusCode).toBe(200);
      expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/apps/api/v1/calls', '/manager/api/v1/agents', '/admin/companies']));
      const ui = await app.inject({ method: 'GET', url: '/docs' });
      expect(ui.statusCode).toBe(200);
      const echoed = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } });
      expect(echoed.headers['x-request-id']).toBe('trace-123');
    } finally {
      await app.close();
    }
  });
});
