export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface KeyedBatchesOptions<I, O> {
  // The most items one batch takes.
  maxBatch: number;
  // Whether an item may share a batch with the items queued behind it.
  batchable: (item: I) => boolean;
  // Runs one batch; answers one outcome per item, in order. A throw fails
  // every item of the batch with that error.
  run: (items: I[]) => Promise<Array<Settled<O>>>;
}

// Work for one key runs one batch at a time, in arrival order; work for
// different keys runs concurrently. While a batch runs, the items that arrive
// for its key queue up; the next batch takes the queue's head and, when it is
// batchable, the batchable items right behind it (up to maxBatch). So an
// item alone (the usual case) runs at once, and a key flooded with work runs
// it in a few large batches rather than many single steps. A key's queue
// exists only while it has work running or waiting.
export class KeyedBatches<I, O> {
  private readonly queues = new Map<string, Array<Waiting<I, O>>>();
  private readonly running = new Map<string, number>(); // items of the batch running per key

  constructor(private readonly options: KeyedBatchesOptions<I, O>) {}

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(key, [waiting]);
      void this.drain(key);
    });
  }

  // Keys with work running or waiting.
  get busyKeys(): number {
    return this.queues.size;
  }

  // Items of one key submitted and not answered yet (running or waiting).
  pending(key: string): number {
    return (this.queues.get(key)?.length ?? 0) + (this.running.get(key) ?? 0);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = this.takeBatch(queue);
      this.running.set(key, batch.length);
      await runBatch(batch, this.options.run);
    }
    this.queues.delete(key);
    this.running.delete(key);
  }

  private takeBatch(queue: Array<Waiting<I, O>>): Array<Waiting<I, O>> {
    if (!this.options.batchable(queue[0].item)) return queue.splice(0, 1);
    let n = 1;
    while (n < queue.length && n < this.options.maxBatch && this.options.batchable(queue[n].item)) n++;
    return queue.splice(0, n);
  }
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

// A promise's outcome as a value.
export async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface BatchesOptions<I, O> {
  // The most batches running at once.
  concurrency: number;
  // The most items one batch takes.
  maxBatch: number;
  // Runs one batch; answers one outcome per item, in order. A throw fails
  // every item of the batch with that error.
  run: (items: I[]) => Promise<Array<Settled<O>>>;
}

// Items from anywhere share batches, with at most `concurrency` batches
// running at once. An item that arrives while a runner is free runs at once
// (so a quiet system adds no wait); while all runners are busy, items queue,
// and each runner that finishes takes up to maxBatch of them together. The
// busier the system, the larger the batches.
export class Batches<I, O> {
  private readonly queue: Array<Waiting<I, O>> = [];
  private runners = 0;

  constructor(private readonly options: BatchesOptions<I, O>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.runners < this.options.concurrency) void this.runner();
    });
  }

  // Items submitted and not taken by a runner yet.
  get waiting(): number {
    return this.queue.length;
  }

  private async runner(): Promise<void> {
    this.runners++;
    try {
      while (this.queue.length > 0) await runBatch(this.queue.splice(0, this.options.maxBatch), this.options.run);
    } finally {
      this.runners--;
    }
  }
}

// Runs one batch and settles each of its items' promises with its outcome.
async function runBatch<I, O>(batch: Array<Waiting<I, O>>, run: (items: I[]) => Promise<Array<Settled<O>>>): Promise<void> {
  let outcomes: Array<Settled<O>>;
  try {
    outcomes = await run(batch.map((w) => w.item));
    if (outcomes.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${outcomes.length} outcomes`);
  } catch (error) {
    outcomes = batch.map(() => ({ ok: false, error }));
  }
  batch.forEach((waiting, i) => {
    const outcome = outcomes[i];
    if (outcome.ok) waiting.resolve(outcome.value);
    else waiting.reject(outcome.error);
  });
}
