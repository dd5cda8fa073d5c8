// Every way the embedded PostgreSQL can fail to start, each answered by one
// line that says why and what to do. The messages are built here only; the
// tests compare them byte for byte.

export type EmbeddedDatabaseProblem =
  // A program (initdb, postgres) cannot be run at all: no execute bit, a
  // noexec filesystem, a missing loader or library.
  | { code: 'binaries-not-executable'; program: string; reason: string }
  // As root: PostgreSQL must run as another user, and there is none.
  | { code: 'runtime-user-unavailable'; user: string; reason: string }
  // As root: the user PostgreSQL runs as cannot reach a path it needs, and
  // the path was chosen (SWITCHBOARD_DATA_DIR, SWITCHBOARD_EMBEDDED_PG_BIN_DIR)
  // or holds a cluster already, so it is not moved elsewhere.
  | { code: 'path-unreachable'; user: string; path: string; variable: string }
  // As root: the place prepared for that user could not be made.
  | { code: 'relocation-failed'; user: string; path: string; reason: string }
  | { code: 'port-unavailable'; port: number; reason: string }
  | { code: 'version-mismatch'; dataDir: string; found: string; expected: string }
  | { code: 'data-dir-in-use'; dataDir: string; pid: number }
  | { code: 'data-dir-not-a-cluster'; dataDir: string }
  | { code: 'disk-full'; dataDir: string; reason: string }
  // Anything else: the last FATAL line of initdb's or postgres' output.
  | { code: 'did-not-start'; dataDir: string; detail: string };

export type EmbeddedDatabaseErrorCode = EmbeddedDatabaseProblem['code'];

export class EmbeddedDatabaseError extends Error {
  constructor(readonly problem: EmbeddedDatabaseProblem) {
    super(embeddedDatabaseMessage(problem));
  }

  get code(): EmbeddedDatabaseErrorCode {
    return this.problem.code;
  }
}

const OR_DATABASE_URL = 'or set DATABASE_URL to a PostgreSQL server';

export function embeddedDatabaseMessage(problem: EmbeddedDatabaseProblem): string {
  switch (problem.code) {
    case 'binaries-not-executable':
      return `the embedded PostgreSQL cannot run ${problem.program} (${problem.reason}): reinstall it with \`npm ci\` on a filesystem that allows running programs, ${OR_DATABASE_URL}`;
    case 'runtime-user-unavailable':
      return `the embedded PostgreSQL cannot run as root and there is no user ${problem.user} to run it as (${problem.reason}): create that user, run the service as another user, ${OR_DATABASE_URL}`;
    case 'path-unreachable':
      return `the user ${problem.user}, as which the embedded PostgreSQL runs (PostgreSQL refuses to run as root), cannot reach ${problem.path} (a directory on its path is closed to other users): set ${problem.variable} to a place it can reach, ${OR_DATABASE_URL}`;
    case 'relocation-failed':
      return `the user ${problem.user}, as which the embedded PostgreSQL runs (PostgreSQL refuses to run as root), cannot reach this checkout, and ${problem.path} could not be prepared for it (${problem.reason}): clone the repository where other users can reach it, set SWITCHBOARD_DATA_DIR to a place it can reach, ${OR_DATABASE_URL}`;
    case 'port-unavailable':
      return `the embedded PostgreSQL cannot listen on 127.0.0.1:${problem.port} (${problem.reason}): stop what uses that port, or set SWITCHBOARD_EMBEDDED_PG_PORT to a free one, ${OR_DATABASE_URL}`;
    case 'version-mismatch':
      return `the data directory ${problem.dataDir} holds a PostgreSQL ${problem.found} cluster and the embedded PostgreSQL is version ${problem.expected}: move that directory away (or remove it, losing its data), set SWITCHBOARD_DATA_DIR to another place, or set DATABASE_URL to a PostgreSQL ${problem.found} server`;
    case 'data-dir-in-use':
      return `the data directory ${problem.dataDir} is in use by a PostgreSQL (pid ${problem.pid}) whose service still runs: stop that service first, or set SWITCHBOARD_DATA_DIR to another place`;
    case 'data-dir-not-a-cluster':
      return `the data directory ${problem.dataDir} is not empty and holds no PostgreSQL cluster: move it away, or set SWITCHBOARD_DATA_DIR to another place`;
    case 'disk-full':
      return `the embedded PostgreSQL ran out of disk space for ${problem.dataDir} (${problem.reason}): free some space, or set SWITCHBOARD_DATA_DIR to a filesystem with room, ${OR_DATABASE_URL}`;
    case 'did-not-start':
      return `the embedded PostgreSQL did not start (data in ${problem.dataDir}): ${problem.detail} (LOG_LEVEL=debug shows its whole output)`;
    default:
      return unreachable(problem);
  }
}

function unreachable(problem: never): never {
  throw new Error(`unknown embedded database problem ${JSON.stringify(problem)}`);
}

const DISK_FULL = /No space left on device|Disk quota exceeded/;

// What went wrong, from the output of initdb or postgres that exited before
// it was ready (its locale is C: the messages are PostgreSQL's English ones).
export function problemFromOutput(output: string, context: { dataDir: string; port: number; exit: string }): EmbeddedDatabaseProblem {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const bind = lines.map((line) => /could not bind \S+ address "[^"]*": (.+)$/.exec(line)?.[1]).find(Boolean);
  if (bind) return { code: 'port-unavailable', port: context.port, reason: bind };
  const full = lines.map((line) => DISK_FULL.exec(line)?.[0]).find(Boolean);
  if (full) return { code: 'disk-full', dataDir: context.dataDir, reason: full };
  const version = /initialized by PostgreSQL version (\S+), which is not compatible with this version (\d+)/.exec(output);
  if (version) return { code: 'version-mismatch', dataDir: context.dataDir, found: version[1], expected: version[2] };
  const lock = /lock file "postmaster\.pid" already exists[\s\S]*?another postmaster \(PID (\d+)\)/.exec(output);
  if (lock) return { code: 'data-dir-in-use', dataDir: context.dataDir, pid: Number(lock[1]) };
  const fatal = [...lines].reverse().find((line) => /\b(FATAL|PANIC):|initdb: error:/.test(line));
  const detail = fatal ? fatal.replace(/^.*?\b(FATAL|PANIC):\s+/, '').replace(/^initdb: error:\s+/, 'initdb: ') : (lines.at(-1) ?? 'no output');
  return { code: 'did-not-start', dataDir: context.dataDir, detail: `${detail} (${context.exit})` };
}

// An error of our own file operations while preparing the data directory.
export function problemFromFileError(error: unknown, dataDir: string): EmbeddedDatabaseProblem | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return { code: 'disk-full', dataDir, reason: 'No space left on device' };
  if (code === 'EDQUOT') return { code: 'disk-full', dataDir, reason: 'Disk quota exceeded' };
  return undefined;
}
