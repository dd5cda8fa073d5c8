import { Batches, KeyedBatches, Settled } from './batches';

// A run function that records its batches and finishes each when told to,
// oldest first ('boom' fails its whole batch, 'bad…' only itself).
function gatedRun() {
  const batches: string[][] = [];
  const gates: Array<() => void> = [];
  const run = async (items: string[]): Promise<Array<Settled<string>>> => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (items.includes('boom')) throw new Error('the batch failed');
    return items.map((item): Settled<string> => (item.startsWith('bad') ? { ok: false, error: new Error(item) } : { ok: true, value: item.toUpperCase() }));
  };
  const release = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, release };
}

function harness(batchable: (item: string) => boolean = () => true, maxBatch = 3) {
  const { batches, run, release } = gatedRun();
  return { queue: new KeyedBatches<string, string>({ maxBatch, batchable, run }), batches, release };
}

describe('KeyedBatches', () => {
  it('runs an item alone at once, and queues the ones that arrive meanwhile into the next batch', async () => {
    const { queue, batches, release } = harness();
    const answers = ['a', 'b', 'c', 'd'].map((item) => queue.submit('k', item));
    expect(batches).toEqual([['a']]);
    expect(queue.pending('k')).toBe(4);
    await release();
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(queue.pending('k')).toBe(3);
    await release();
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C', 'D']);
    expect(queue.busyKeys).toBe(0);
    expect(queue.pending('k')).toBe(0);
  });

  it('keeps keys apart: another key runs concurrently', async () => {
    const { queue, batches, release } = harness();
    const a = queue.submit('k1', 'a');
    const b = queue.submit('k2', 'b');
    expect(batches).toEqual([['a'], ['b']]);
    expect(queue.busyKeys).toBe(2);
    await release();
    await release();
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
    expect(queue.busyKeys).toBe(0);
  });

  it('takes at most maxBatch items, in arrival order', async () => {
    const { queue, batches, release } = harness(() => true, 2);
    const answers = ['a', 'b', 'c', 'd', 'e'].map((item) => queue.submit('k', item));
    for (let i = 0; i < 3; i++) await release();
    expect(batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('runs an item that is not batchable alone, and stops a batch before it', async () => {
    const { queue, batches, release } = harness((item) => !item.startsWith('solo'));
    const answers = ['a', 'b', 'solo1', 'c', 'solo2', 'solo3'].map((item) => queue.submit('k', item));
    for (let i = 0; i < 6; i++) await release();
    expect(batches).toEqual([['a'], ['b'], ['solo1'], ['c'], ['solo2'], ['solo3']]);
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'SOLO1', 'C', 'SOLO2', 'SOLO3']);
  });

  it('answers each item its own outcome, and fails a whole batch that throws', async () => {
    const { queue, release } = harness();
    const first = queue.submit('k', 'a');
    const rest = ['bad1', 'b', 'boom'].map((item) => queue.submit('k', item).then((v) => v, (e: Error) => `error: ${e.message}`));
    const after = queue.submit('k', 'c');
    for (let i = 0; i < 3; i++) await release();
    await expect(first).resolves.toBe('A');
    await expect(Promise.all(rest)).resolves.toEqual(['error: the batch failed', 'error: the batch failed', 'error: the batch failed']);
    await expect(after).resolves.toBe('C');
    expect(queue.busyKeys).toBe(0);
  });

  it('answers per item when the batch does not throw', async () => {
    const { queue, release } = harness();
    const first = queue.submit('k', 'a');
    const rest = ['bad1', 'b'].map((item) => queue.submit('k', item).then((v) => v, (e: Error) => `error: ${e.message}`));
    for (let i = 0; i < 2; i++) await release();
    await expect(first).resolves.toBe('A');
    await expect(Promise.all(rest)).resolves.toEqual(['error: bad1', 'B']);
  });
});

describe('Batches', () => {
  function groups(concurrency = 2, maxBatch = 3) {
    const { batches, run, release } = gatedRun();
    return { shared: new Batches<string, string>({ concurrency, maxBatch, run }), batches, release };
  }

  it('runs items at once while a runner is free, and queues the rest into shared batches', async () => {
    const { shared, batches, release } = groups(2, 3);
    const answers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((item) => shared.submit(item));
    expect(batches).toEqual([['a'], ['b']]);
    expect(shared.waiting).toBe(5);
    await release(); // a's runner takes the next three
    expect(batches).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(shared.waiting).toBe(2);
    await release(); // b's runner takes the rest
    expect(batches).toEqual([['a'], ['b'], ['c', 'd', 'e'], ['f', 'g']]);
    await release();
    await release();
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    expect(shared.waiting).toBe(0);
  });

  it('never runs more than `concurrency` batches at once, and starts again after going idle', async () => {
    const { shared, batches, release } = groups(1, 10);
    const first = [shared.submit('a'), shared.submit('b')];
    expect(batches).toEqual([['a']]);
    await release();
    await release();
    await expect(Promise.all(first)).resolves.toEqual(['A', 'B']);
    const later = shared.submit('c');
    expect(batches).toEqual([['a'], ['b'], ['c']]);
    await release();
    await expect(later).resolves.toBe('C');
  });

  it('answers each item its own outcome, and fails every item of a batch that throws', async () => {
    const { shared, release } = groups(1, 5);
    const caught = (p: Promise<string>) => p.then((v) => v, (e: Error) => `error: ${e.message}`);
    const first = shared.submit('a');
    const second = ['bad1', 'b'].map((item) => caught(shared.submit(item)));
    await release();
    const third = ['c', 'boom'].map((item) => caught(shared.submit(item)));
    await release();
    await release();
    await expect(first).resolves.toBe('A');
    await expect(Promise.all(second)).resolves.toEqual(['error: bad1', 'B']);
    await expect(Promise.all(third)).resolves.toEqual(['error: the batch failed', 'error: the batch failed']);
  });
});
