import { TesseraError } from '../../core/index.js';

/**
 * A small semaphore: at most `limit` tasks run at once, at most `queue` more wait (first come,
 * first served); past that the call is refused with SlowDown (503) at once, so a burst of
 * encrypted admin calls cannot pile up 64 MiB argon2id derivations.
 * @example const limit = new ConcurrencyLimit(2, 32); await limit.run(() => deriveKey(…))
 */
export class ConcurrencyLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
  ) {}

  /** Tasks running now and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) {
      if (this.#waiting.length >= this.queue)
        throw new TesseraError('SlowDown', 'Too many encrypted admin calls at once; retry.');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}
