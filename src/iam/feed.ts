import type { Clock } from '../core/index.js';
import { canListenChanges, type IamStore } from '../storage/index.js';
import type { IamCache } from './cache.js';
import { evictFederatedUser } from './federated-users.js';

/** Changes older than this are pruned from the feed; a process further behind drops its caches. */
export const FEED_RETENTION_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const PAGE = 1000;

/**
 * Follows the store's change feed and applies each change to the cache (docs/architecture.md). Every
 * process polls; each also prunes old entries now and then (pruning is idempotent).
 */
export class ChangeFeed {
  #seq: number;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;
  #polling: Promise<number> | undefined;
  #lastPrune: number;

  constructor(
    private readonly store: IamStore,
    private readonly cache: IamCache,
    seq: number,
    private readonly clock: Clock,
    private readonly log: (message: string, err?: unknown) => void = () => {},
    /** Reloads the session revocations (on a `revocation` change, and after a reset). */
    private readonly reloadRevocations: () => Promise<void> = async () => {},
  ) {
    this.#seq = seq;
    this.#lastPrune = clock.now();
  }

  /** The last change applied. */
  get seq(): number {
    return this.#seq;
  }

  start(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.poll().catch((e: unknown) => this.log('iam: change feed poll failed', e));
    }, intervalMs);
    this.#timer.unref();
    // A store that announces commits (PostgreSQL's LISTEN/NOTIFY) polls at once; the interval stays the fallback.
    if (canListenChanges(this.store)) {
      this.#unlisten = this.store.listenChanges((seq) => {
        if (seq !== undefined && seq <= this.#seq) return;
        const poll = () => this.poll().catch((e: unknown) => this.log('iam: change feed poll failed', e));
        // A poll in flight may have read before this commit: poll again after it.
        if (this.#polling !== undefined) void this.#polling.then(poll, poll);
        else void poll();
      });
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unlisten?.();
    this.#unlisten = undefined;
  }

  /** Applies every change after the last one seen; concurrent calls share one poll. */
  poll(): Promise<number> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<number> {
    let applied = 0;
    let revocations = false;
    for (;;) {
      const { changes, reset } = await this.store.changesSince(this.#seq, PAGE);
      if (reset) {
        // Changes we never saw were pruned: read the position first, then forget everything.
        const latest = await this.store.latestChangeSeq();
        this.cache.clear();
        this.#seq = latest;
        applied++;
        revocations = true;
        continue;
      }
      for (const c of changes) {
        if (c.kind === 'revocation') revocations = true;
        else {
          this.cache.apply({ kind: c.kind, account: c.account, name: c.name });
          evictFederatedUser(this.cache, c.kind, c.account, c.name);
        }
      }
      applied += changes.length;
      if (changes.length > 0) this.#seq = changes[changes.length - 1]!.seq;
      if (changes.length < PAGE) break;
    }
    if (revocations) await this.reloadRevocations();
    const now = this.clock.now();
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await this.store.pruneChanges(now - FEED_RETENTION_MS);
    }
    return applied;
  }
}
