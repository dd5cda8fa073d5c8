// Every benchmark runs inside runBench(): whatever happens (success, a thrown
// error, Ctrl-C), the registered clean-ups run in reverse order — children
// stopped, the bench database dropped — and the process exits with a code
// that says whether the benchmark completed.
type Cleanup = () => Promise<void> | void;

const cleanups: Array<{ what: string; run: Cleanup }> = [];
const lastResortKills = new Set<() => void>();
let cleaning: Promise<void> | undefined;

// Registers a clean-up; the returned function unregisters it (after the
// caller did the work itself, e.g. stopped a service before the end).
export function onCleanup(what: string, run: Cleanup): () => void {
  const entry = { what, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

// A synchronous kill for the 'exit' event, when async clean-ups cannot run
// (process.exit from elsewhere): no child process may outlive the benchmark.
export function onExitKill(kill: () => void): () => void {
  lastResortKills.add(kill);
  return () => lastResortKills.delete(kill);
}

function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const { what, run } = cleanups.pop()!;
      try {
        await run();
      } catch (error) {
        console.error(`clean-up "${what}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

export async function runBench(name: string, main: () => Promise<void>): Promise<never> {
  process.on('exit', () => {
    for (const kill of lastResortKills) kill();
  });
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130); // a second Ctrl-C: give up on clean-ups
      interrupted = true;
      console.error(`\n${signal}: stopping ${name} and cleaning up...`);
      void runCleanups().then(() => process.exit(130));
    });
  }
  let code = 0;
  try {
    await main();
  } catch (error) {
    code = 1;
    console.error(`\n${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  await runCleanups();
  process.exit(code);
}

export function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[${time}] ${message}`);
}
