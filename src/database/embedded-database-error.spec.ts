import { embeddedDatabaseMessage, problemFromFileError, problemFromOutput } from './embedded-database-error';

// PostgreSQL's own output (locale C) for the failures the embedded database
// names; samples taken from the package's PostgreSQL 15.
const context = { dataDir: '/data/postgres', port: 54329, exit: 'postgres exited with code 1' };
const prefix = '2026-12-01 21:47:11.691 UTC [9461]';

describe('problemFromOutput', () => {
  it('a port in use', () => {
    const output = [
      `${prefix} LOG:  starting PostgreSQL 15.18 on x86_64-pc-linux-gnu`,
      `${prefix} LOG:  could not bind IPv4 address "127.0.0.1": Address already in use`,
      `${prefix} HINT:  Is another postmaster already running on port 54329? If not, wait a few seconds and retry.`,
      `${prefix} WARNING:  could not create listen socket for "127.0.0.1"`,
      `${prefix} FATAL:  could not create any TCP/IP sockets`,
    ].join('\n');
    expect(problemFromOutput(output, context)).toEqual({ code: 'port-unavailable', port: 54329, reason: 'Address already in use' });
  });

  it('a full disk, from postgres and from initdb', () => {
    expect(problemFromOutput(`${prefix} LOG:  could not write file "postmaster.opts": No space left on device\n${prefix} LOG:  database system is shut down`, context)).toEqual({
      code: 'disk-full',
      dataDir: '/data/postgres',
      reason: 'No space left on device',
    });
    expect(problemFromOutput('initdb: error: could not write to file "/data/postgres/pg_wal/xlogtemp.5": Disk quota exceeded\ninitdb: removing contents of data directory "/data/postgres"', context)).toEqual({
      code: 'disk-full',
      dataDir: '/data/postgres',
      reason: 'Disk quota exceeded',
    });
  });

  it('a cluster of another version', () => {
    const output = `${prefix} FATAL:  database files are incompatible with server\n${prefix} DETAIL:  The data directory was initialized by PostgreSQL version 14, which is not compatible with this version 15.18.`;
    expect(problemFromOutput(output, context)).toEqual({ code: 'version-mismatch', dataDir: '/data/postgres', found: '14', expected: '15' });
  });

  it('a lock file of a live process', () => {
    const output = `${prefix} FATAL:  lock file "postmaster.pid" already exists\n${prefix} HINT:  Is another postmaster (PID 9409) running in data directory "/data/postgres"?`;
    expect(problemFromOutput(output, context)).toEqual({ code: 'data-dir-in-use', dataDir: '/data/postgres', pid: 9409 });
  });

  it('anything else: the last FATAL line and how it ended', () => {
    const output = `${prefix} LOG:  starting PostgreSQL 15.18\n${prefix} FATAL:  data directory "/data/postgres" has wrong ownership\n${prefix} HINT:  The server must be started by the user that owns the data directory.`;
    const problem = problemFromOutput(output, context);
    expect(problem).toEqual({ code: 'did-not-start', dataDir: '/data/postgres', detail: 'data directory "/data/postgres" has wrong ownership (postgres exited with code 1)' });
    expect(embeddedDatabaseMessage(problem)).toBe(
      'the embedded PostgreSQL did not start (data in /data/postgres): data directory "/data/postgres" has wrong ownership (postgres exited with code 1) (LOG_LEVEL=debug shows its whole output)',
    );
    expect(problemFromOutput('initdb: error: directory "/data/postgres" exists but is not empty', { ...context, exit: 'initdb exited with code 1' })).toMatchObject({
      detail: 'initdb: directory "/data/postgres" exists but is not empty (initdb exited with code 1)',
    });
    expect(problemFromOutput('', context)).toMatchObject({ detail: 'no output (postgres exited with code 1)' });
  });
});

describe('problemFromFileError', () => {
  it('a full disk while preparing the data directory; other errors are not named', () => {
    expect(problemFromFileError(Object.assign(new Error('ENOSPC: no space left on device, mkdir'), { code: 'ENOSPC' }), '/d')).toEqual({ code: 'disk-full', dataDir: '/d', reason: 'No space left on device' });
    expect(problemFromFileError(Object.assign(new Error('EACCES'), { code: 'EACCES' }), '/d')).toBeUndefined();
  });
});

describe('embeddedDatabaseMessage', () => {
  it('is one line that says what to do', () => {
    const message = embeddedDatabaseMessage({ code: 'port-unavailable', port: 54329, reason: 'Address already in use' });
    expect(message).toBe(
      'the embedded PostgreSQL cannot listen on 127.0.0.1:54329 (Address already in use): stop what uses that port, or set SWITCHBOARD_EMBEDDED_PG_PORT to a free one, or set DATABASE_URL to a PostgreSQL server',
    );
    expect(message).not.toContain('\n');
  });
});
