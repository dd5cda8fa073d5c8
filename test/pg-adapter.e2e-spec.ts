// What Switchboard takes from node-postgres beyond its public API
// (src/database/pg-adapter.ts). When an upgrade of pg moves any of it, this
// fails here, by name, rather than the fast path silently slowing down or a
// flight of statements going out half bound.
import { Pool } from 'pg';
import { Database } from '../src/database/database';
import { PgClient, inOneWrite, prepareValue } from '../src/database/pg-adapter';

describe('the pg adapter', () => {
  const url = () => process.env.SWITCHBOARD_TEST_DATABASE_URL!;

  it("pg/lib/utils still has prepareValue, pg's own conversion of a parameter", () => {
    expect(typeof prepareValue).toBe('function');
    expect(prepareValue(new Date('2026-12-01T10:00:00.123Z'))).toMatch(/^2026-12-01T\d{2}:00:00\.123[+-]\d{2}:\d{2}$/);
    expect(prepareValue(42)).toBe('42');
    expect(prepareValue(null)).toBeNull();
    expect(prepareValue([1, 2])).toBe('{"1","2"}');
  });

  it('a pooled client still exposes its socket, and a corked flight leaves in one write', async () => {
    const pool = new Pool({ connectionString: url(), max: 1, pipeline: true } as ConstructorParameters<typeof Pool>[0]);
    try {
      const client = (await pool.connect()) as unknown as PgClient & { connection: { stream: { _writev?: unknown; _write: unknown } } };
      try {
        const stream = client.connection.stream as unknown as Record<string, (...args: unknown[]) => unknown>;
        expect(typeof stream.cork).toBe('function');
        expect(typeof stream.uncork).toBe('function');
        const writes: string[] = [];
        for (const method of ['_write', '_writev'] as const) {
          const original = stream[method];
          stream[method] = function (this: unknown, ...args: unknown[]) {
            writes.push(method);
            return original.apply(this, args);
          };
        }
        const answers = await Promise.all(
          inOneWrite(client, () => [
            client.query({ name: 'probe_a', text: 'SELECT $1::int AS n', values: ['1'] }),
            client.query({ name: 'probe_b', text: 'SELECT $1::int + 1 AS n', values: ['1'] }),
            client.query({ name: 'probe_c', text: 'SELECT $1::int + 2 AS n', values: ['1'] }),
          ]),
        );
        expect(answers.map((a) => a.rows[0].n)).toEqual([1, 2, 3]);
        expect(writes).toEqual(['_writev']);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it("the app's pool runs in pg's pipeline mode", async () => {
    const db = Database.connect({ url: url(), poolSize: 1 });
    try {
      const client = (await db.connection()) as unknown as { pipeline?: boolean; release(): void };
      expect(client.pipeline).toBe(true);
      client.release();
    } finally {
      await db.close();
    }
  });
});
