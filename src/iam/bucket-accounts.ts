import { Lru } from './lru.js';

type MaybeAsync<T> = T | Promise<T>;

interface Entry {
  /** The owning account ('' = default); null when the bucket does not exist. */
  readonly account: string | null;
  readonly until: number;
}

/**
 * Which account owns a bucket (docs/accounts.md), answered from a bounded cache so that every
 * request can ask: bucket names are global and a bucket's account never changes while it exists.
 * This process forgets a bucket it deletes or creates at once; entries live at most `ttlMs`
 * (default 1 s), so a bucket deleted and created again by another worker is seen within that time.
 */
export class BucketAccounts {
  readonly #entries: Lru<string, Entry>;
  #version = 0;

  constructor(
    private readonly getBucket: (name: string) => Promise<{ readonly account: string } | undefined>,
    private readonly ttlMs = 1000,
    limit = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.#entries = new Lru(limit);
  }

  /** The bucket's account, or undefined when it does not exist. Synchronous on a hit. */
  of(bucket: string): MaybeAsync<string | undefined> {
    const hit = this.#entries.get(bucket);
    if (hit !== undefined && hit.until > this.now()) return hit.account ?? undefined;
    return this.#load(bucket);
  }

  /** Drops what is known of a bucket (created or deleted here). */
  forget(bucket: string): void {
    this.#version++;
    this.#entries.delete(bucket);
  }

  async #load(bucket: string): Promise<string | undefined> {
    const until = this.now() + this.ttlMs;
    const version = this.#version;
    const account = (await this.getBucket(bucket))?.account ?? null;
    if (version === this.#version) this.#entries.set(bucket, { account, until });
    return account ?? undefined;
  }
}
