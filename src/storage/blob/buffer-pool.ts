import { TesseraError } from '../../core/index.js';

/** The smallest pooled buffer; shorter reads get a buffer of their own. */
export const MIN_POOLED = 64 * 1024;
/** The largest pooled buffer (the longest read a blob body makes). */
export const MAX_POOLED = 4 * 1024 * 1024;
/** Idle bytes a pool keeps for reuse; buffers released beyond it are left to the GC. */
export const DEFAULT_IDLE_BYTES = 32 * 1024 * 1024;

/** The power-of-two size class that holds `length` bytes (MIN_POOLED … MAX_POOLED). */
function sizeClass(length: number): number {
  let size = MIN_POOLED;
  while (size < length) size *= 2;
  return size;
}

/**
 * Reusable read buffers in power-of-two size classes. A buffer taken with `acquire` belongs to
 * its taker until `release`: it is never handed out again before that, so bytes one response
 * still sends cannot be overwritten by another's read. Idle buffers are bounded (`idleBytes`);
 * a buffer never released (a write callback that never came) is simply collected by the GC.
 *
 * Reused buffers skip the allocation, zero-page faults and GC work a fresh 1–4 MiB buffer costs.
 * @example const buf = pool.acquire(1 << 20); try { … } finally { pool.release(buf); }
 */
export class BufferPool {
  readonly #idle = new Map<number, Buffer[]>();
  readonly #out = new WeakSet<ArrayBuffer>();
  readonly #maxIdle: number;
  #idleBytes = 0;

  constructor(idleBytes = DEFAULT_IDLE_BYTES) {
    this.#maxIdle = idleBytes;
  }

  /** Bytes held idle for reuse. */
  get idleBytes(): number {
    return this.#idleBytes;
  }

  /** True when `length` bytes would come from the pool (a buffer of its size class). */
  static pools(length: number): boolean {
    return length >= MIN_POOLED && length <= MAX_POOLED;
  }

  /**
   * A buffer of at least `length` bytes (MIN_POOLED ≤ length ≤ MAX_POOLED), its contents
   * undefined. Give it back with `release` once nothing reads it any more.
   */
  acquire(length: number): Buffer {
    if (!BufferPool.pools(length))
      throw new TesseraError('InternalError', `buffer pool: ${length} bytes is outside the pooled sizes`);
    const size = sizeClass(length);
    const buf = this.#idle.get(size)?.pop();
    if (buf !== undefined) this.#idleBytes -= size;
    const out = buf ?? Buffer.allocUnsafeSlow(size);
    this.#out.add(out.buffer as ArrayBuffer);
    return out;
  }

  /** Gives back a buffer from `acquire` (a view of it is enough). Releasing one twice is a bug, and throws. */
  release(view: Buffer): void {
    const memory = view.buffer as ArrayBuffer;
    if (!this.#out.delete(memory))
      throw new TesseraError('InternalError', 'buffer pool: released a buffer it did not hand out');
    const size = memory.byteLength;
    if (this.#idleBytes + size > this.#maxIdle) return;
    let list = this.#idle.get(size);
    if (list === undefined) this.#idle.set(size, (list = []));
    list.push(Buffer.from(memory, 0, size));
    this.#idleBytes += size;
  }
}

/** The process's pool for blob reads (one per worker; bounded by DEFAULT_IDLE_BYTES). */
export const readPool = new BufferPool();
