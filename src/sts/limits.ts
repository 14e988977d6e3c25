import { type Principal, type SessionParent, TesseraError } from '../core/index.js';

/** Issuance limits (docs/sts.md "Issuance limits"); 0 or absent = no limit. */
export interface IssuanceLimits {
  /** TESSERA_STS_RATE_LIMIT: sessions per second per principal (token bucket refill). */
  readonly ratePerSecond?: number;
  /** TESSERA_STS_RATE_BURST: the bucket's size (default: the rate, at least 1). */
  readonly burst?: number;
  /** TESSERA_STS_MAX_SESSIONS: live (unexpired) sessions per principal, counted per process. */
  readonly maxSessions?: number;
}

/** Principals tracked at most; past it the idle ones are dropped first, then all. */
const MAX_TRACKED = 100_000;

interface Bucket {
  tokens: number;
  at: number;
  /** Expiry times of the sessions issued to it and still live (unsorted). */
  live: number[];
}

/**
 * Who a limit counts against: the identity asking (a user, service account, root, a session's
 * ARN, a federated identity), not the role it assumes — so one caller cannot exhaust a role.
 */
export function limitKey(who: Principal | SessionParent): string {
  if (who.kind === 'anonymous') return 'anonymous';
  if (who.kind === 'federated') return `federated\u0000${who.account}\u0000${who.userId}`;
  return `${who.kind}\u0000${who.account}\u0000${who.arn}`;
}

const throttled = () => new TesseraError('Throttling', 'Rate exceeded');

/**
 * Per-principal issuance limits, in memory (per process: with N workers a principal may get up
 * to N times the configured numbers). `issue` refuses with AWS's Throttling (400, "Rate exceeded")
 * when the principal's token bucket is empty or it holds `maxSessions` live sessions.
 * @example const limiter = new IssuanceLimiter({ ratePerSecond: 5, maxSessions: 100 });
 * const issued = limiter.issue(limitKey(principal), now, () => issueSession(...));
 */
export class IssuanceLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #max: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: IssuanceLimits = {}) {
    this.#rate = Math.max(0, limits.ratePerSecond ?? 0);
    this.#burst = Math.max(1, limits.burst ?? Math.ceil(this.#rate));
    this.#max = Math.max(0, limits.maxSessions ?? 0);
  }

  /** Whether any limit is configured. */
  get enabled(): boolean {
    return this.#rate > 0 || this.#max > 0;
  }

  /** Checks the limits of `key`, runs `issue` and counts its session (until `expiration`). */
  issue<T extends { readonly expiration: number }>(key: string, now: number, issue: () => T): T {
    if (!this.enabled) return issue();
    const b = this.#bucket(key, now);
    if (this.#rate > 0) {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#rate);
      b.at = now;
      if (b.tokens < 1) throw throttled();
    }
    if (this.#max > 0) {
      if (b.live.length >= this.#max) b.live = b.live.filter((e) => e > now);
      if (b.live.length >= this.#max) throw throttled();
    }
    const issued = issue();
    if (this.#rate > 0) b.tokens -= 1;
    if (this.#max > 0) b.live.push(issued.expiration);
    return issued;
  }

  /** Principals tracked (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #bucket(key: string, now: number): Bucket {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= MAX_TRACKED) this.#sweep(now);
      b = { tokens: this.#burst, at: now, live: [] };
      this.#buckets.set(key, b);
    }
    return b;
  }

  /** Drops principals with a full bucket and no live session; all of them if that frees nothing. */
  #sweep(now: number): void {
    for (const [k, b] of this.#buckets) {
      const full = this.#rate === 0 || b.tokens + ((now - b.at) / 1000) * this.#rate >= this.#burst;
      if (full && b.live.every((e) => e <= now)) this.#buckets.delete(k);
    }
    if (this.#buckets.size >= MAX_TRACKED) this.#buckets.clear();
  }
}
