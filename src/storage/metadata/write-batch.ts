import type Database from 'better-sqlite3';
import type { GroupSync } from './group-sync.js';

interface Op {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/** At most this many writes share one transaction (bounds the time one batch holds the loop). */
const MAX_BATCH = 256;

/**
 * Batched commits (docs/architecture.md "Durability"): the writes a loop turn queues run in one
 * BEGIN IMMEDIATE transaction, each in its own savepoint (a write that throws is rolled back
 * alone and rejects with its error), one COMMIT; then they wait together for the group fdatasync
 * that covers the commit (GroupSync). One commit instead of one per write: fewer WAL frames
 * (neighbouring rows share pages), one lock round, one WAL header update.
 *
 * A write is queued, not run, when called; it runs at the end of the loop turn (setImmediate),
 * in call order. The caller's promise resolves with `fn`'s value once durable.
 * @example const released = await batch.run(() => store.commitObject(record));
 */
export class WriteBatch {
  readonly #db: Database.Database;
  readonly #sync: GroupSync;
  readonly #mapError: (e: unknown) => unknown;
  readonly #tx: Database.Transaction<(fn: () => unknown) => unknown>;
  #queue: Op[] = [];
  #scheduled = false;
  #flushed: Promise<void> | undefined;
  #flushedResolve: (() => void) | undefined;

  /** `mapError` turns a transaction's SQLite error into the store's (busy: SlowDown). */
  constructor(db: Database.Database, sync: GroupSync, mapError: (e: unknown) => unknown) {
    this.#db = db;
    this.#sync = sync;
    this.#mapError = mapError;
    this.#tx = db.transaction((fn: () => unknown) => fn());
  }

  /** Queues `fn` for the next batch; resolves with its value once the batch is durable. */
  run<T>(fn: () => T): Promise<T> {
    try {
      this.#sync.check(); // refused before it is queued, let alone committed
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Whether writes are queued (close waits for them: `while (batch.busy) await batch.idle()`). */
  get busy(): boolean {
    return this.#queue.length > 0;
  }

  /** Resolves after the next flush has run (its writes committed, or failed). */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    this.#flushed ??= new Promise((resolve) => {
      this.#flushedResolve = resolve;
    });
    return this.#flushed;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const ops = this.#queue.length <= MAX_BATCH ? this.#queue : this.#queue.slice(0, MAX_BATCH);
    this.#queue = ops === this.#queue ? [] : this.#queue.slice(MAX_BATCH);
    if (this.#queue.length > 0) this.#schedule();
    try {
      this.#commit(ops);
    } finally {
      const done = this.#flushedResolve;
      this.#flushed = this.#flushedResolve = undefined;
      done?.();
    }
  }

  /** Runs `ops` in one transaction; the ones that succeeded wait for the sync covering it. */
  #commit(ops: Op[]): void {
    try {
      this.#sync.check(); // a sync failed since they were queued: commit nothing more
    } catch (e) {
      for (const op of ops) op.reject(e);
      return;
    }
    const values: unknown[] = new Array(ops.length);
    const failed: (unknown | undefined)[] = new Array(ops.length);
    try {
      this.#tx.immediate(() => {
        if (ops.length === 1) {
          values[0] = ops[0]!.fn(); // alone: the transaction is its savepoint
          return;
        }
        for (let i = 0; i < ops.length; i++) {
          // An error SQLite answers by rolling the whole transaction back ends the batch: what
          // follows would run outside it, and what preceded is undone.
          if (!this.#db.inTransaction) throw new Error('the batch transaction was rolled back');
          try {
            values[i] = this.#tx(ops[i]!.fn); // nested: a savepoint
          } catch (e) {
            failed[i] = e ?? new Error('write failed');
          }
        }
      });
    } catch (e) {
      const err = this.#mapError(e);
      for (const op of ops) op.reject(err);
      return;
    }
    const committed: number[] = [];
    for (let i = 0; i < ops.length; i++) {
      if (failed[i] === undefined) committed.push(i);
      else ops[i]!.reject(this.#mapError(failed[i]));
    }
    if (committed.length === 0) return;
    this.#sync.durable().then(
      () => {
        for (const i of committed) ops[i]!.resolve(values[i]);
      },
      (e: unknown) => {
        for (const i of committed) ops[i]!.reject(e);
      },
    );
  }
}
