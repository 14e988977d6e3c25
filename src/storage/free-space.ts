import { constants } from 'node:fs';
import { open, rename, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../core/index.js';

/** The minimum free space writes leave on the data directory's file system. */
export type MinFreeSpace = { readonly bytes: number } | { readonly percent: number };

/** MinIO's default: 1 % of the drive, at most 1 GiB. */
export const DEFAULT_MIN_FREE: MinFreeSpace = { percent: 1 };
const MAX_DEFAULT_MIN_FREE = 1024 ** 3;
/** Space kept aside for deletes on a full disk (SQLite needs a few pages to delete a row). */
export const RESERVE_BYTES = 8 * 1024 * 1024;
const RESERVE_FILE = 'reserve';
const RESERVE_MARGIN = 1024 * 1024;

export interface SpaceGuardOptions {
  /** Where the data lives (the `.tessera` directory: the reserve file goes there). */
  readonly dir: string;
  readonly minFree?: MinFreeSpace;
  readonly reserveBytes?: number;
  /** How long a free-space reading is reused (ms). */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/** MinIO's answer to writes below the threshold (madmin and mc know it). */
export function storageFull(): TesseraError {
  return new TesseraError('XMinioStorageFull');
}

/** SQLite (and the file system) out of space. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Keeps a data directory writable for what frees space (docs/operations.md): writes are refused
 * once free space falls below the threshold, while deletes go on; a reserve file is kept aside so
 * that a delete that meets a full disk can release it and succeed.
 */
export class SpaceGuard {
  readonly #o: Required<Omit<SpaceGuardOptions, 'minFree'>> & { minFree: MinFreeSpace };
  #checked = -Infinity;
  /** This process released the reserve and has not put it back yet. */
  #released = false;
  #free = Infinity;
  #total = Infinity;

  constructor(options: SpaceGuardOptions) {
    this.#o = {
      minFree: DEFAULT_MIN_FREE,
      reserveBytes: RESERVE_BYTES,
      cacheMs: 500,
      now: Date.now,
      ...options,
    };
  }

  /** The threshold in bytes for a file system of `total` bytes. */
  threshold(total: number): number {
    const m = this.#o.minFree;
    if ('bytes' in m) return m.bytes;
    const share = Math.ceil((total * m.percent) / 100);
    return this.#o.minFree === DEFAULT_MIN_FREE ? Math.min(share, MAX_DEFAULT_MIN_FREE) : share;
  }

  /** Free bytes for unprivileged writers (statfs bavail), read at most every cacheMs. */
  async free(): Promise<{ free: number; total: number }> {
    const now = this.#o.now();
    if (now - this.#checked >= this.#o.cacheMs) {
      const s = await statfs(this.#o.dir);
      this.#free = s.bavail * s.bsize;
      this.#total = s.blocks * s.bsize;
      this.#checked = now;
    }
    return { free: this.#free, total: this.#total };
  }

  /** Refuses a write below the threshold: 507 XMinioStorageFull. */
  async assertWritable(): Promise<void> {
    const { free, total } = await this.free();
    if (free < this.threshold(total)) throw storageFull();
  }

  /** Forgets the cached reading (after a write failed for space, or space was freed). */
  invalidate(): void {
    this.#checked = -Infinity;
  }

  /** Creates the reserve file if it is missing and there is room for it. */
  async keepReserve(): Promise<boolean> {
    const path = join(this.#o.dir, RESERVE_FILE);
    try {
      const fh = await open(path, constants.O_RDONLY);
      await fh.close();
      return true;
    } catch {
      // Missing: make it below.
    }
    this.invalidate();
    const { free } = await this.free();
    // The reserve comes before new writes (they are refused below the threshold anyway): it is
    // put back as soon as deletes have freed room for it and a little more.
    if (free < this.#o.reserveBytes + RESERVE_MARGIN) return false;
    const tmp = `${path}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      // Real blocks (not a sparse file): written, then synced.
      const chunk = Buffer.alloc(1024 * 1024);
      for (let left = this.#o.reserveBytes; left > 0; left -= chunk.length) {
        await fh.write(chunk, 0, Math.min(chunk.length, left));
      }
      await fh.sync();
    } catch (e) {
      await fh.close();
      await unlink(tmp).catch(() => {});
      if (isDiskFull(e)) return false;
      throw e;
    }
    await fh.close();
    await rename(tmp, path);
    this.invalidate();
    return true;
  }

  /** Releases the reserve (a delete met a full disk); false when there was none left. */
  async releaseReserve(): Promise<boolean> {
    try {
      await unlink(join(this.#o.dir, RESERVE_FILE));
      this.invalidate();
      this.#released = true;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs a change that frees space (a delete), releasing the reserve and trying once more when
   * it meets a full disk; afterwards, tries to put the reserve back.
   */
  async freeing<T>(fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      if (!isDiskFull(e) || !(await this.releaseReserve())) throw e;
      result = await fn();
    }
    if (this.#released) this.#released = !(await this.keepReserve().catch(() => false));
    return result;
  }
}
