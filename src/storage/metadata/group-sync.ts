import { TesseraError } from '../../core/index.js';

/** Makes every write made to a file before the call durable (an fdatasync); rejects on failure. */
export type SyncFn = () => Promise<void>;

interface Group {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

function group(): Group {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One line in the server log's format (JSON on stderr): a failed sync is never silent. */
function logFailure(err: unknown): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const message = 'metadata store: fdatasync of the WAL failed; writes are refused until restart';
  process.stderr.write(
    `${JSON.stringify({ level: 'error', time: new Date().toISOString(), message, detail })}\n`,
  );
}

/**
 * Group commit (docs/architecture.md "Durability"): commits run with synchronous=NORMAL, and
 * each then waits here for one shared fdatasync of the WAL.
 *
 * - `durable()` resolves only after a sync that *started after the call* has resolved, so it
 *   covers every commit made before the call, by any connection to the file;
 * - calls made while a sync runs wait for the next one, which starts when it ends (one at a
 *   time: a group is everything that committed during the previous sync);
 * - when idle, a sync starts once the event loop has run the callbacks that are ready
 *   (setImmediate), so a burst of commits shares it;
 * - a failed sync rejects every waiter with InternalError, and every later call too: after a
 *   failed fsync the kernel may have dropped the dirty pages, so retrying proves nothing. Only a
 *   restart (SQLite's WAL recovery) gets back to a known state.
 *
 * @example const sync = new GroupSync(() => wal.datasync()); db.run(...); await sync.durable();
 */
export class GroupSync {
  readonly #sync: SyncFn;
  readonly #onFailure: (err: unknown) => void;
  /** The writes waiting for a sync that has not started yet. */
  #next: Group | undefined;
  #running: Promise<void> | undefined;
  #failure: unknown;
  #failed = false;
  #syncs = 0;

  constructor(sync: SyncFn, onFailure: (err: unknown) => void = logFailure) {
    this.#sync = sync;
    this.#onFailure = onFailure;
  }

  /** How many syncs have started. */
  get syncs(): number {
    return this.#syncs;
  }

  /** Throws InternalError once a sync has failed: call before committing, to refuse the write. */
  check(): void {
    if (this.#failed) throw this.#refusal();
  }

  /** Resolves once an fdatasync that started after this call has resolved (see the class). */
  durable(): Promise<void> {
    this.check();
    if (this.#next === undefined) {
      this.#next = group();
      if (this.#running === undefined) setImmediate(() => this.#start());
    }
    return this.#next.promise;
  }

  /** Whether a write waits for a sync (one is running or about to start). */
  get busy(): boolean {
    return this.#running !== undefined || this.#next !== undefined;
  }

  /** Waits for the running or next sync to end (close: `while (sync.busy) await sync.idle()`). */
  async idle(): Promise<void> {
    await (this.#running ?? this.#next?.promise)?.catch(() => {});
  }

  #start(): void {
    const waiting = this.#next;
    this.#next = undefined;
    if (waiting === undefined) return;
    if (this.#failed) {
      waiting.reject(this.#refusal());
      return;
    }
    this.#syncs++;
    const run = async () => this.#sync();
    this.#running = run().then(
      () => waiting.resolve(),
      (err: unknown) => {
        this.#failed = true;
        this.#failure = err;
        this.#onFailure(err);
        waiting.reject(this.#refusal());
      },
    );
    void this.#running.then(() => {
      this.#running = undefined;
      if (this.#next !== undefined) setImmediate(() => this.#start());
    });
  }

  #refusal(): TesseraError {
    const cause = this.#failure instanceof Error ? this.#failure.message : String(this.#failure);
    return new TesseraError(
      'InternalError',
      `metadata WAL fdatasync failed, writes refused until restart: ${cause}`,
    );
  }
}
