import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { benchUrl } from './database';
import { log } from './cleanup';

export interface PgbenchOptions {
  scriptFile: string; // written here (kept beside the results, to read)
  script: string;
  clients: number;
  seconds: number;
  vars: Record<string, string | number>; // -D name=value, for every client
}

export interface PgbenchResult {
  tps: number; // "without initial connection time"
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  wallSeconds: number; // the pgbench process, start to exit
  clients: number;
  seconds: number;
  command: string; // the command line, values elided
}

// pgbench against the bench database in prepared query mode — named
// statements with bound parameters, parsed and planned once per connection,
// as the service sends its SQL (src/database/sql.ts) — with no vacuum,
// 2 threads (one per core of the reference machine).
export async function runPgbench(options: PgbenchOptions): Promise<PgbenchResult> {
  writeFileSync(options.scriptFile, options.script);
  const args = ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', String(Math.min(2, options.clients)), '-T', String(options.seconds), '-f', options.scriptFile];
  for (const [name, value] of Object.entries(options.vars)) args.push('-D', `${name}=${value}`);
  args.push(benchUrl());
  // The same command as a shell script beside the pgbench script, to re-run
  // the baseline by hand (on a database kept with BENCH_KEEP_DATABASE=1).
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  writeFileSync(options.scriptFile.replace(/\.sql$/, '.sh'), `#!/bin/sh\nexec pgbench ${args.map(quote).join(' ')}\n`, { mode: 0o755 });
  const command = `pgbench -n -M prepared -c ${options.clients} -j ${Math.min(2, options.clients)} -T ${options.seconds} -f ${options.scriptFile} -D ... (${Object.keys(options.vars).length} variables)`;
  log(command);

  const started = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', (error) => reject(new Error(`could not run pgbench (is it on the PATH?): ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited with ${code}:\n${text}`))));
  });
  // A client that hits an error stops ("aborted"), and the numbers are
  // then those of the others only: refuse them.
  const aborted = output.split('\n').filter((line) => /aborted|error:/i.test(line));
  if (aborted.length > 0) throw new Error(`pgbench clients failed:\n${aborted.slice(0, 10).join('\n')}\n(script: ${options.scriptFile})`);
  const number = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`unexpected pgbench output (no ${pattern}):\n${output}`);
    return Number(match[1]);
  };
  return {
    tps: number(/^tps = ([\d.]+) \(without initial connection time\)/m),
    latencyAvgMs: number(/^latency average = ([\d.]+) ms/m),
    transactions: number(/^number of transactions actually processed: (\d+)/m),
    wallSeconds: (Date.now() - started) / 1000,
    failed: /^number of failed transactions: (\d+)/m.test(output) ? number(/^number of failed transactions: (\d+)/m) : 0,
    clients: options.clients,
    seconds: options.seconds,
    command,
  };
}
