import { randomBytes } from 'node:crypto';
import { createDatabaseFromTemplate, dropDatabase } from './test-database';

// Each test file: its own database, cloned from the migrated template before
// its tests and dropped after them. Test code reads it from testDatabaseUrl().
const name = `sb_t_${process.env.SWITCHBOARD_TEST_RUN_ID}_${process.env.JEST_WORKER_ID ?? 0}_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  process.env.SWITCHBOARD_TEST_DATABASE_URL = await createDatabaseFromTemplate(name);
});

afterAll(async () => {
  await dropDatabase(name);
});
