import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { GroupSync } from './group-sync.js';

/** A sync function whose calls the test holds and then resolves or fails, one by one. */
function heldSync() {
  const calls: { resolve(): void; reject(e: unknown): void }[] = [];
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { sync, calls };
}

/** Lets every ready callback run (the group starts on setImmediate; settling takes microtasks). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Records when a promise settles, so a test can assert that it has not yet. */
function watch(p: Promise<void>) {
  const w = { done: false, error: undefined as unknown };
  p.then(
    () => {
      w.done = true;
    },
    (e: unknown) => {
      w.done = true;
      w.error = e;
    },
  );
  return w;
}

const quiet = () => {};

describe('GroupSync', () => {
  it('resolves a write only after the fdatasync that covers it has resolved', async () => {
    const { sync, calls } = heldSync();
    const group = new GroupSync(sync, quiet);
    const write = watch(group.durable());
    await turn();
    expect(calls).toHaveLength(1); // the sync started
    for (let i = 0; i < 5; i++) await turn();
    expect(write.done).toBe(false); // ... and the write waits for it
    calls[0]!.resolve();
    await turn();
    expect(write).toEqual({ done: true, error: undefined });
  });

  it('makes writes that arrive during a sync wait for the next one', async () => {
    const { sync, calls } = heldSync();
    const group = new GroupSync(sync, quiet);
    const first = watch(group.durable());
    await turn();
    expect(calls).toHaveLength(1);
    // Committed while the first sync runs: that sync may have started before the commit.
    const second = watch(group.durable());
    const third = watch(group.durable());
    await turn();
    expect(calls).toHaveLength(1); // one sync at a time
    calls[0]!.resolve();
    await turn();
    expect(first.done).toBe(true);
    expect(second.done || third.done).toBe(false);
    await turn();
    expect(calls).toHaveLength(2); // the next sync started for them
    calls[1]!.resolve();
    await turn();
    expect([second.done, third.done]).toEqual([true, true]);
    expect(group.syncs).toBe(2);
  });

  it('covers many concurrent writes with one sync', async () => {
    let syncs = 0;
    const group = new GroupSync(async () => {
      syncs++;
    }, quiet);
    await Promise.all(Array.from({ length: 100 }, () => group.durable()));
    expect(syncs).toBe(1);
    expect(group.syncs).toBe(1);
    await group.durable();
    expect(syncs).toBe(2); // a later write needs a sync of its own
  });

  it('rejects every waiter of a failed sync, and every later write, with InternalError', async () => {
    const { sync, calls } = heldSync();
    const failures: unknown[] = [];
    const group = new GroupSync(sync, (e) => failures.push(e));
    const waiting = [watch(group.durable()), watch(group.durable())];
    await turn();
    const during = watch(group.durable()); // waits for the next sync, which never comes
    calls[0]!.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await turn();
    await turn();
    for (const w of [...waiting, during]) {
      expect(w.done).toBe(true);
      expect(w.error).toBeInstanceOf(TesseraError);
      expect((w.error as TesseraError).code).toBe('InternalError');
      expect((w.error as Error).message).toMatch(/EIO/);
    }
    expect(calls).toHaveLength(1); // a failed fsync is never retried
    expect(failures).toHaveLength(1); // told (logged) once
    expect(() => group.check()).toThrow(TesseraError);
    expect(() => group.durable()).toThrow(/writes refused until restart/);
    expect(group.busy).toBe(false);
  });

  it('lets close wait for the pending sync', async () => {
    const { sync, calls } = heldSync();
    const group = new GroupSync(sync, quiet);
    const write = watch(group.durable());
    let closed = false;
    const close = (async () => {
      while (group.busy) await group.idle();
      closed = true;
    })();
    await turn();
    expect(closed).toBe(false);
    calls[0]!.resolve();
    await close;
    expect([write.done, closed]).toEqual([true, true]);
  });
});
