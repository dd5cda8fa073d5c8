import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { embeddedDatabaseMessage, EmbeddedDatabaseProblem } from '../src/database/embedded-database-error';
import { isRoot, packagedMajor, packagedNativeDir, postgresProcesses, reachableTempDir, runtimeIds, startupFailureLines } from './support/embedded-postgres';
import { freePort, spawnService, SpawnedService, waitUntil } from './support/spawned-service';

// Every way the embedded PostgreSQL fails at start-up answers one line saying
// why and what to do, exits non-zero, and leaves no postgres process behind.
// Each test has its own data directory (SWITCHBOARD_DATA_DIR) and ports.

const started: SpawnedService[] = [];
const places: string[] = [];

// After a failed test: its services stopped (their postgres with them), then
// whatever postgres is still in one of its places.
afterAll(async () => {
  for (const service of started) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
    await Promise.race([service.exited, new Promise((r) => setTimeout(r, 20_000).unref())]);
  }
  for (const place of places) {
    for (const pid of postgresProcesses(place)) process.kill(pid, 'SIGKILL');
    rmSync(place, { recursive: true, force: true });
  }
}, 60_000);

async function place(): Promise<{ root: string; dataDir: string; pgPort: number }> {
  const root = reachableTempDir('sb-embedded-');
  places.push(root);
  return { root, dataDir: join(root, 'postgres'), pgPort: await freePort() };
}

async function startService(env: Record<string, string>): Promise<SpawnedService> {
  const service = await spawnService({ DATABASE_URL: undefined, SWITCHBOARD_DEMO: 'false', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'log', ...env }, Number(env.PORT) || undefined);
  started.push(service);
  return service;
}

// The service fails with exactly `problem`'s line, exit 1, no postgres left.
async function expectStartupFailure(service: SpawnedService, problem: EmbeddedDatabaseProblem, dataDir: string): Promise<void> {
  expect(await service.exited).toBe(1);
  expect(startupFailureLines(service.output())).toEqual([`start-up failed: ${embeddedDatabaseMessage(problem)}`]);
  expect(service.output()).not.toMatch(/^\s+at /m); // no stack trace
  expect(postgresProcesses(dataDir)).toEqual([]);
}

// A cluster made and stopped in this process, as an earlier run would have.
async function initialisedCluster(dataDir: string): Promise<void> {
  const database = new EmbeddedDatabase({ dataDir, port: await freePort(), database: 'switchboard' });
  await database.start();
  await database.stop();
}

describe('start-up failures of the embedded PostgreSQL', () => {
  it('port taken: names the port and SWITCHBOARD_EMBEDDED_PG_PORT', async () => {
    const { root, dataDir, pgPort } = await place();
    const blocker: Server = createServer().listen(pgPort, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const service = await startService({ SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
      await expectStartupFailure(service, { code: 'port-unavailable', port: pgPort, reason: 'Address already in use' }, dataDir);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('a data directory of another PostgreSQL version: says which, and leaves it as it is', async () => {
    const { root, dataDir, pgPort } = await place();
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), '14\n');
    const service = await startService({ SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
    await expectStartupFailure(service, { code: 'version-mismatch', dataDir, found: '14', expected: packagedMajor() }, dataDir);
    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8')).toBe('14\n');
    expect(statSync(dataDir).uid).toBe(process.getuid!()); // not given to the user postgres either
    expect(existsSync(join(dataDir, 'base'))).toBe(true);
  }, 60_000);

  it('binaries that are not executable: names the program', async () => {
    const { root, dataDir, pgPort } = await place();
    // A copy of the package's binaries without their execute bits, beside
    // links to its libraries and data (SWITCHBOARD_EMBEDDED_PG_BIN_DIR).
    const native = packagedNativeDir();
    const copy = join(root, 'pg');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    for (const program of ['initdb', 'postgres']) {
      copyFileSync(join(native, 'bin', program), join(copy, 'bin', program));
      chmodSync(join(copy, 'bin', program), 0o644);
    }
    symlinkSync(join(native, 'lib'), join(copy, 'lib'));
    symlinkSync(join(native, 'share'), join(copy, 'share'));
    const service = await startService({ SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort), SWITCHBOARD_EMBEDDED_PG_BIN_DIR: join(copy, 'bin') });
    await expectStartupFailure(
      service,
      { code: 'binaries-not-executable', program: join(copy, 'bin', 'postgres'), reason: 'permission denied: it is not executable, or its filesystem is mounted noexec' },
      dataDir,
    );
  }, 60_000);

  it('a full disk: says so', async () => {
    const { root, dataDir, pgPort } = await place();
    await initialisedCluster(dataDir);
    // postgres writes postmaster.opts at every start; here every write of it
    // answers ENOSPC, as on a full disk.
    rmSync(join(dataDir, 'postmaster.opts'), { force: true });
    symlinkSync('/dev/full', join(dataDir, 'postmaster.opts'));
    const service = await startService({ SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) });
    await expectStartupFailure(service, { code: 'disk-full', dataDir, reason: 'No space left on device' }, dataDir);
  }, 60_000);

  (isRoot ? it : it.skip)('as root, a SWITCHBOARD_DATA_DIR that the user postgres cannot reach: says to set it elsewhere', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'sb-closed-')); // 0700, root's
    places.push(closed);
    const service = await startService({ SWITCHBOARD_DATA_DIR: closed, SWITCHBOARD_EMBEDDED_PG_PORT: String(await freePort()) });
    await expectStartupFailure(service, { code: 'path-unreachable', user: 'postgres', path: join(closed, 'postgres'), variable: 'SWITCHBOARD_DATA_DIR' }, closed);
    expect(existsSync(join(closed, 'postgres'))).toBe(false);
  }, 60_000);
});

describe('a data directory with a postmaster.pid', () => {
  it('postmaster.pid naming a pid that another process has since: removed, and the service starts', async () => {
    const { root, dataDir, pgPort } = await place();
    await initialisedCluster(dataDir);
    // A killed run leaves postmaster.pid; its pid now belongs to an unrelated
    // process of the same user, which PostgreSQL alone takes for a postmaster.
    const ids = runtimeIds();
    const bystander: ChildProcess = spawn('sleep', ['120'], { stdio: 'ignore', ...(ids ?? {}) });
    try {
      await new Promise((r) => bystander.once('spawn', r));
      writeFileSync(join(dataDir, 'postmaster.pid'), `${bystander.pid}\n${dataDir}\n`);
      const service = await startService({ SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort), PORT: String(await freePort()) });
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${service.port}/ready`)).ok, 60_000, 'the service to be ready');
      expect(service.output()).toContain(`removed the lock file ${join(dataDir, 'postmaster.pid')} of a PostgreSQL that no longer runs (pid ${bystander.pid}, left by a killed run)`);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(postgresProcesses(dataDir)).toEqual([]);
      expect(bystander.exitCode).toBeNull(); // left alone
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 90_000);

  it('a postgres whose service still runs: refused, and left running', async () => {
    const { root, dataDir, pgPort } = await place();
    const env = { SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) };
    const first = await startService({ ...env, PORT: String(await freePort()) });
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${first.port}/ready`)).ok, 60_000, 'the first service to be ready');
    const [postmaster] = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');

    const second = await startService({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(startupFailureLines(second.output())).toEqual([`start-up failed: ${embeddedDatabaseMessage({ code: 'data-dir-in-use', dataDir, pid: Number(postmaster) })}`]);
    expect((await fetch(`http://127.0.0.1:${first.port}/ready`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(postgresProcesses(dataDir)).toEqual([]);
  }, 120_000);

  it('a postgres still running after its service was killed: stopped, and the service starts', async () => {
    const { root, dataDir, pgPort } = await place();
    const env = { SWITCHBOARD_DATA_DIR: root, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) };
    const first = await startService({ ...env, PORT: String(await freePort()) });
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${first.port}/ready`)).ok, 60_000, 'the first service to be ready');
    const orphans = postgresProcesses(dataDir);
    first.child.kill('SIGKILL'); // no shutdown: its postgres keeps running
    await first.exited;
    expect(postgresProcesses(dataDir).length).toBeGreaterThan(0); // the postmaster, at least

    const second = await startService({ ...env, PORT: String(await freePort()) });
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${second.port}/ready`)).ok, 60_000, 'the second service to be ready');
    expect(second.output()).toMatch(/stopping a PostgreSQL left running in \S+ by an earlier run \(pid \d+\)/);
    expect(postgresProcesses(dataDir).filter((pid) => orphans.includes(pid))).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postgresProcesses(dataDir)).toEqual([]);
  }, 120_000);
});
