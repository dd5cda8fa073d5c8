import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ManagerRecords1796300000000 } from '../migrations/1796300000000-ManagerRecords';
import { databaseOptions } from '../src/database/database-options';

// The ManagerRecords migration over data written before it: agent numbers
// keep their digits, every company gets its built-in statuses, every agent an
// open status row and every agent participant a call row; down undoes it all.
describe('the ManagerRecords migration', () => {
  let source: DataSource;
  let db: Client;
  const migration = new ManagerRecords1796300000000();

  beforeAll(async () => {
    const url = process.env.SWITCHBOARD_TEST_DATABASE_URL!;
    source = new DataSource(databaseOptions(url, { poolSize: 1 }));
    await source.initialize();
    db = new Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await source.destroy();
  });

  const run = async (step: 'up' | 'down') => {
    const runner = source.createQueryRunner();
    try {
      await runner.startTransaction();
      await migration[step](runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };
  const rows = async (sql: string, values: unknown[] = []) => (await db.query(sql, values)).rows;

  it('goes down, and up again over older data', async () => {
    await run('down');
    expect(await rows(`SELECT to_regclass('agent_activity_logs') AS t`)).toEqual([{ t: null }]);

    const [{ id: company }] = await rows(`INSERT INTO companies (key, name) VALUES ('legacy', 'Legacy') RETURNING id`);
    const agent = async (email: string, number: string | null, status = 'available') =>
      (await rows(`INSERT INTO agents (company_id, email, first_name, last_name, agent_number, status) VALUES ($1, $2, 'A', 'B', $3, $4) RETURNING id`, [company, email, number, status]))[0].id;
    const dashed = await agent('dashed@legacy.example', 'A-10-01');
    const letters = await agent('letters@legacy.example', 'none');
    const long = await agent('long@legacy.example', '1234567890123456');
    const away = await agent('away@legacy.example', '7', 'away');
    const [{ id: call }] = await rows(
      `INSERT INTO calls (company_id, call_type, status, lang, created_at, updated_at) VALUES ($1, 'Voice Outbound (API)', 'finished', 'en', now(), now()) RETURNING id`,
      [company],
    );
    await rows(`INSERT INTO participants (call_id, type, agent_id, status, created_at, updated_at, ended_at) VALUES ($1, 'agent', $2, 'finished', now(), now(), now())`, [call, dashed]);

    await run('up');

    const numbers = await rows(`SELECT id, agent_number FROM agents WHERE company_id = $1 ORDER BY id`, [company]);
    expect(numbers.map((r) => r.agent_number)).toEqual(['1001', null, null, '7']);
    expect((await rows(`SELECT name FROM user_statuses WHERE company_id = $1 AND built_in ORDER BY id`, [company])).map((r) => r.name)).toEqual(['Available', 'Busy', 'Away', 'Offline']);
    const logs = await rows(
      `SELECT l.agent_id, l.activity, s.name, l.call_id, l.ended_at IS NULL AS open FROM agent_activity_logs l LEFT JOIN user_statuses s ON s.id = l.status_id WHERE l.company_id = $1 ORDER BY l.id`,
      [company],
    );
    expect(logs).toEqual([
      { agent_id: dashed, activity: 'status', name: 'Available', call_id: null, open: true },
      { agent_id: letters, activity: 'status', name: 'Available', call_id: null, open: true },
      { agent_id: long, activity: 'status', name: 'Available', call_id: null, open: true },
      { agent_id: away, activity: 'status', name: 'Away', call_id: null, open: true },
      { agent_id: dashed, activity: 'call', name: 'Busy', call_id: call, open: false },
    ]);
  });
});
