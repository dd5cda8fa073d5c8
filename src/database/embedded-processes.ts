import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EmbeddedDatabaseError } from './embedded-database-error';

// The postgres processes of a data directory, found through /proc (Linux):
// a postmaster and its backends run with the data directory as their working
// directory. undefined where there is no /proc to look in.
export function postgresProcessesIn(dataDir: string): number[] | undefined {
  if (!existsSync('/proc/self/cwd')) return undefined;
  let target: string;
  try {
    target = realpathSync(dataDir);
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== target) continue;
      const exe = basename(readlinkSync(`/proc/${entry}/exe`));
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (exe.startsWith('postgres') || command.startsWith('postgres')) found.push(Number(entry));
    } catch {
      // gone, or another user's
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function isNode(pid: number): boolean {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}

// Before a start: a postmaster.pid left by a killed run is removed when no
// postgres runs in the data directory (its pid may since belong to another
// process, which PostgreSQL itself would take for a running postmaster); a
// postgres left running by a killed service is stopped. One whose service
// (its parent, a node process) still runs is refused.
export async function clearStaleLock(dataDir: string, notice: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const recorded = Number(readFileSync(pidFile, 'utf8').split('\n')[0]) || undefined;
  const running = postgresProcessesIn(dataDir);
  if (running === undefined) return; // no /proc: PostgreSQL's own check decides
  if (running.length > 0) {
    const postmaster = running.find((pid) => !running.includes(parentOf(pid) ?? -1)) ?? running[0];
    const parent = parentOf(postmaster);
    if (parent !== undefined && parent > 1 && isNode(parent)) throw new EmbeddedDatabaseError({ code: 'data-dir-in-use', dataDir, pid: postmaster });
    notice(`stopping a PostgreSQL left running in ${dataDir} by an earlier run (pid ${postmaster})`);
    await stopProcesses(dataDir, postmaster);
    if (!existsSync(pidFile)) return;
  }
  await rm(pidFile, { force: true });
  notice(`removed the lock file ${pidFile} of a PostgreSQL that no longer runs (pid ${recorded ?? 'unknown'}, left by a killed run)`);
}

// Fast shutdown; immediate after 30 s; killed after 5 more.
async function stopProcesses(dataDir: string, postmaster: number): Promise<void> {
  const gone = () => (postgresProcessesIn(dataDir) ?? []).length === 0;
  for (const [signal, ms] of [['SIGINT', 30_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(postmaster, signal);
    } catch {
      // already gone
    }
    for (const until = Date.now() + ms; !gone() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    if (gone()) return;
  }
}
