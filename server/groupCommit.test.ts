// GroupCommit hands the jobs of one turn of the event loop over as one batch, at most
// maxBatch at a time, in the order they were added. "A turn" is observed with
// setImmediate: the batch's own setImmediate was queued first, so it has run by then.
import { describe, expect, it } from 'vitest';
import { GroupCommit, MAX_BATCH } from './groupCommit.ts';

/** Resolves after the callbacks already queued with setImmediate have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder<Job>(maxBatch?: number) {
  const batches: Job[][] = [];
  const gc = new GroupCommit<Job>((jobs) => {
    batches.push(jobs);
  }, maxBatch);
  return { gc, batches };
}

describe('GroupCommit', () => {
  it('hands nothing over in the turn the jobs are added', () => {
    const { gc, batches } = recorder<string>();
    gc.add('a');
    gc.add('b');
    expect(batches).toEqual([]);
    expect(gc.pending).toBe(2);
  });

  it('hands the jobs added in one turn over as one batch, in order', async () => {
    const { gc, batches } = recorder<number>();
    for (let i = 1; i <= 5; i++) gc.add(i);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(gc.pending).toBe(0);
  });

  it('splits more than maxBatch jobs into batches of at most maxBatch, keeping their order', async () => {
    const { gc, batches } = recorder<number>(2);
    for (let i = 1; i <= 5; i++) gc.add(i);
    await nextTurn();
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it(`takes at most ${MAX_BATCH} jobs in a batch by default`, async () => {
    const { gc, batches } = recorder<number>();
    const jobs = Array.from({ length: MAX_BATCH + 1 }, (_, i) => i);
    for (const j of jobs) gc.add(j);
    await nextTurn();
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, 1]);
    expect(batches.flat()).toEqual(jobs);
  });

  it('hands every queued job over at once on flush(), and not again in the next turn', async () => {
    const { gc, batches } = recorder<string>(2);
    gc.add('a');
    gc.add('b');
    gc.add('c');
    gc.flush();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(gc.pending).toBe(0);
    await nextTurn();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('does not call runBatch on flush() when nothing is queued', () => {
    const { gc, batches } = recorder<string>();
    gc.flush();
    expect(batches).toEqual([]);
  });

  it('makes the jobs of a later turn a new batch', async () => {
    const { gc, batches } = recorder<string>();
    gc.add('a');
    gc.add('b');
    await nextTurn();
    gc.add('c');
    await nextTurn();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('makes the jobs added after a flush() a new batch of their turn', async () => {
    const { gc, batches } = recorder<string>();
    gc.add('a');
    gc.flush();
    gc.add('b');
    gc.add('c');
    expect(batches).toEqual([['a']]);
    await nextTurn();
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('keeps a job added while a batch runs for a later batch, never in the running one', async () => {
    const batches: string[][] = [];
    const gc: GroupCommit<string> = new GroupCommit((jobs) => {
      batches.push([...jobs]);
      if (jobs.includes('a')) gc.add('late');
    });
    gc.add('a');
    await nextTurn();
    await nextTurn();
    expect(batches[0]).toEqual(['a']);
    expect(batches.flat()).toEqual(['a', 'late']);
  });
});
