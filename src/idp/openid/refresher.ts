/**
 * A value fetched from a provider (a discovery document, a key set): one fetch at a time, shared
 * by every caller; a failure remembered for `failureBackoffMs`, so tokens naming a provider that
 * is down do not each wait on it again; and the last good value kept and served while the
 * provider fails.
 */
export class Refresher<T> {
  /** The last good value, if any (whatever its age). */
  value: T | undefined;
  /** When `value` was fetched (clock time; 0 before the first fetch). */
  fetchedAt = 0;
  #pending: Promise<T> | undefined;
  #failure: { at: number; error: unknown } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly opts: { readonly failureBackoffMs: number; readonly clock: () => number },
  ) {}

  /** Fetches again (joining a fetch in flight); the last good value when that fails, else the error. */
  async refresh(): Promise<T> {
    const f = this.#failure;
    if (f !== undefined && this.opts.clock() - f.at < this.opts.failureBackoffMs) {
      if (this.value !== undefined) return this.value;
      throw f.error;
    }
    this.#pending ??= this.load().then(
      (value) => {
        this.#pending = undefined;
        this.#failure = undefined;
        this.value = value;
        this.fetchedAt = this.opts.clock();
        return value;
      },
      (error: unknown) => {
        this.#pending = undefined;
        this.#failure = { at: this.opts.clock(), error };
        throw error;
      },
    );
    try {
      return await this.#pending;
    } catch (e) {
      if (this.value !== undefined) return this.value;
      throw e;
    }
  }
}
