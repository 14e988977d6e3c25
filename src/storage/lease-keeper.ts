import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseStore } from './lease-types.js';

/** This process's lease holder id: host, pid and a random part (unique even after a pid is reused). */
export const processLeaseHolder = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;

export interface LeaseKeeperOptions {
  store: LeaseStore;
  name: string;
  /** Lease lifetime; renewed every ttlMs / 3. A holder that dies loses it after ttlMs. */
  ttlMs: number;
  holder?: string;
  /** This process took the lease: start the work. */
  onAcquired?: () => void;
  /** This process lost the lease (a renewal failed or was refused): stop the work. */
  onLost?: () => void;
  onError?: (e: unknown) => void;
}

/**
 * Keeps trying to take one cluster lease and, once held, renews it every ttl/3. `held` is true
 * only while the last successful renewal is younger than the ttl (a renewal stuck on a lost
 * database does not extend it); a failed or refused renewal gives it up at once.
 */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions & { holder: string };
  #timer: NodeJS.Timeout | undefined;
  #held = false;
  #renewedAt = 0;
  #stopped = false;
  #tick: Promise<void> | undefined;

  constructor(options: LeaseKeeperOptions) {
    this.#o = { holder: processLeaseHolder, ...options };
  }

  get holder(): string {
    return this.#o.holder;
  }

  get held(): boolean {
    return this.#held && Date.now() - this.#renewedAt < this.#o.ttlMs;
  }

  /** Tries at once, then every ttl/3, until stop(). */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    const every = Math.max(1, Math.floor(this.#o.ttlMs / 3));
    const schedule = (ms: number) => {
      this.#timer = setTimeout(() => {
        this.#tick = this.#attempt().finally(() => {
          this.#tick = undefined;
          if (!this.#stopped) schedule(every);
        });
      }, ms);
      this.#timer.unref();
    };
    schedule(0);
  }

  async #attempt(): Promise<void> {
    const started = Date.now();
    let ok = false;
    try {
      ok = await this.#o.store.tryAcquire(this.#o.name, this.#o.holder, this.#o.ttlMs);
    } catch (e) {
      this.#o.onError?.(e);
    }
    if (this.#stopped) return;
    if (ok) {
      this.#renewedAt = started;
      if (!this.#held) {
        this.#held = true;
        this.#o.onAcquired?.();
      }
    } else if (this.#held) {
      this.#held = false;
      this.#o.onLost?.();
    }
  }

  /** Stops renewing and releases the lease if held (another server takes it at its next try). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    if (!this.#held) return;
    this.#held = false;
    this.#o.onLost?.();
    await this.#o.store.release(this.#o.name, this.#o.holder).catch((e) => this.#o.onError?.(e));
  }
}
