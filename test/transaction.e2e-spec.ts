// src/database/transaction.ts against real PostgreSQL: statements deferred
// and pipelined, COMMIT sent with the last one, and nothing committed past an
// error, wherever in a flight it happens.
import { Database } from '../src/database/database';
import { CommitOutcomeUnknownError } from '../src/database/transaction';
import { TcpProxy } from './support/tcp-proxy';
import { TestApp } from './support/test-app';

describe('Transaction (pipelined)', () => {
  let t: TestApp;
  let db: Database;
  beforeAll(async () => {
    t = await TestApp.start();
    db = t.db;
    await db.query(`CREATE TABLE tx_probe (n int PRIMARY KEY, note text)`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE tx_probe`);
    await t.close();
  });
  beforeEach(() => db.query(`TRUNCATE tx_probe`));

  const stored = async () => (await db.query(`SELECT n FROM tx_probe ORDER BY n`)).map((r: { n: number }) => r.n);

  it('sends deferred statements, in order, with the next query, which sees them', async () => {
    const seen = await db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [2]);
      tx.defer(`UPDATE tx_probe SET note = 'updated after both' WHERE n IN (1, 2)`, []);
      return tx.query(`SELECT n, note FROM tx_probe ORDER BY n`);
    });
    expect(seen).toEqual([
      { n: 1, note: 'updated after both' },
      { n: 2, note: 'updated after both' },
    ]);
    expect(await stored()).toEqual([1, 2]);
  });

  it('commit sends what is deferred and commits with it', async () => {
    const rows = await db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
      const last = tx.deferQuery(`INSERT INTO tx_probe (n) VALUES ($1) RETURNING n * 10 AS tenfold`, [2]);
      await tx.commit();
      return last;
    });
    expect(rows).toEqual([{ tenfold: 20 }]);
    expect(await stored()).toEqual([1, 2]);
  });

  it('deferQuery answers once the COMMIT has carried it', async () => {
    let later!: Promise<Array<{ n: number }>>;
    await db.transaction(async (tx) => {
      later = tx.deferQuery(`INSERT INTO tx_probe (n) VALUES ($1) RETURNING n`, [7]);
    });
    expect(await later).toEqual([{ n: 7 }]);
    expect(await stored()).toEqual([7]);
  });

  it('flush sends what is deferred, inside the transaction, and settles its promises', async () => {
    await db.transaction(async (tx) => {
      const inserted = tx.deferQuery(`INSERT INTO tx_probe (n) VALUES ($1) RETURNING n`, [8]);
      await tx.flush();
      expect(await inserted).toEqual([{ n: 8 }]);
      // Sent, not committed: another connection does not see it yet.
      expect(await stored()).toEqual([]);
      await tx.flush(); // nothing deferred: no round trip, no error
    });
    expect(await stored()).toEqual([8]);
  });

  it('a deferred statement that fails fails the flight with its own error, and nothing commits', async () => {
    await db.query(`INSERT INTO tx_probe (n) VALUES (1)`);
    const run = db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [2]);
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]); // duplicate key
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [3]);
      return tx.query(`SELECT count(*) FROM tx_probe`);
    });
    await expect(run).rejects.toMatchObject({ code: '23505' });
    expect(await stored()).toEqual([1]);
  });

  it('a statement that fails in the COMMIT flight turns the COMMIT into a rollback', async () => {
    await db.query(`INSERT INTO tx_probe (n) VALUES (1)`);
    let view!: Promise<unknown>;
    const run = db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [2]);
      view = tx.deferQuery(`INSERT INTO tx_probe (n) VALUES ($1) RETURNING n`, [3]);
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]); // duplicate key, after the others
    });
    await expect(run).rejects.toMatchObject({ code: '23505' });
    await expect(view).rejects.toBeDefined();
    expect(await stored()).toEqual([1]);
  });

  it('a value that cannot be sent fails the flight before any of it is sent', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const run = db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
      tx.defer(`INSERT INTO tx_probe (n, note) VALUES ($1, $2)`, [2, circular]);
    });
    await expect(run).rejects.toThrow(/circular/i);
    expect(await stored()).toEqual([]);
  });

  it('an error thrown by the work rolls back what was sent and what was deferred', async () => {
    const run = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [2]);
      throw new Error('changed my mind');
    });
    await expect(run).rejects.toThrow('changed my mind');
    expect(await stored()).toEqual([]);
    // The connection went back to the pool clean: the next transaction works.
    await db.transaction(async (tx) => tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [5]));
    expect(await stored()).toEqual([5]);
  });

  it('refuses statements after the COMMIT', async () => {
    const run = db.transaction(async (tx) => {
      await tx.commit();
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
    });
    await expect(run).rejects.toThrow('the transaction is committed');
    expect(await stored()).toEqual([]);
  });

  it('marks count the statements issued', async () => {
    await db.transaction(async (tx) => {
      const start = tx.mark();
      expect(tx.mark()).toBe(start);
      tx.defer(`SELECT 1`);
      expect(tx.mark()).toBe(start + 1);
      await tx.query(`SELECT $1::int AS one`, [1]);
      expect(tx.mark()).toBe(start + 2);
    });
  });

  it('a connection lost after COMMIT was sent is an unknown outcome, never a plain failure', async () => {
    const { proxy, url } = await TcpProxy.inFrontOf(process.env.SWITCHBOARD_TEST_DATABASE_URL!);
    const viaProxy = Database.connect({ url, poolSize: 2 });
    try {
      proxy.cutAfterClientSends('COMMIT');
      const run = viaProxy.transaction(async (tx) => tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]));
      await expect(run).rejects.toBeInstanceOf(CommitOutcomeUnknownError);
      // The broken connection was dropped, not pooled: the next one works.
      await viaProxy.transaction(async (tx) => tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [2]));
      expect(await stored()).toContain(2);

      // Lost before COMMIT: a plain failure (the server rolls back), and
      // the process lives on (pg's error event has a listener).
      proxy.cutAfterClientSends('lost before commit');
      const early = viaProxy.transaction(async (tx) => {
        await tx.query(`INSERT INTO tx_probe (n, note) VALUES ($1, 'lost before commit')`, [3]);
      });
      await expect(early).rejects.toThrow(/Connection terminated|not queryable/);
      await expect(early).rejects.not.toBeInstanceOf(CommitOutcomeUnknownError);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server notices the lost client
      expect(await stored()).not.toContain(3);
    } finally {
      await viaProxy.close();
      await proxy.down();
    }
  });

  it('runs after-commit hooks once the COMMIT succeeded, in order, and drops them on a rollback', async () => {
    const ran: string[] = [];
    await db.transaction(async (tx) => {
      tx.afterCommit(() => ran.push('first'));
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]);
      tx.afterCommit(() => ran.push('second'));
      expect(ran).toEqual([]); // not before the commit
    });
    expect(ran).toEqual(['first', 'second']);

    ran.length = 0;
    const failing = db.transaction(async (tx) => {
      tx.afterCommit(() => ran.push('never'));
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [1]); // duplicate key: the COMMIT becomes a rollback
    });
    await expect(failing).rejects.toThrow(/duplicate key/);
    const thrown = db.transaction(async (tx) => {
      tx.afterCommit(() => ran.push('never either'));
      throw new Error('the work failed');
    });
    await expect(thrown).rejects.toThrow('the work failed');
    expect(ran).toEqual([]);
  });

  it('a hook that throws does not undo the commit, nor stop the hooks after it', async () => {
    const ran: string[] = [];
    await db.transaction(async (tx) => {
      tx.defer(`INSERT INTO tx_probe (n) VALUES ($1)`, [9]);
      tx.afterCommit(() => {
        throw new Error('a broken listener');
      });
      tx.afterCommit(() => ran.push('after the broken one'));
    });
    expect(ran).toEqual(['after the broken one']);
    expect(await stored()).toEqual([9]);
  });
});
