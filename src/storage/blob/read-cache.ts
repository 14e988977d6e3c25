/**
 * A bounded in-memory cache of whole blobs, for reads (docs/operations.md "Read cache").
 *
 * Why caching by blob id can never serve stale bytes: a blob is immutable once written and its id
 * is never reused. FsBlobStore.write streams into a temporary file and renames it into place
 * under a fresh id of 128 random bits (newBlobId); nothing writes into a published blob file
 * again — delete unlinks it, collectGarbage removes unreferenced ones. Every change of an
 * object's bytes (overwrite, a new version, a multipart part or completion, CopyObject, SSE's
 * sealed bytes) writes new blobs and commits records that name them; deletes drop the records
 * (and the blobs). So the bytes of a blob id, once verified, are the bytes of that id forever,
 * and a read that looks up the current record finds the current blob ids.
 *
 * Entries are verified before they enter (load), against the digest their `check` names (e.g.
 * `crc32:1234`): a lookup names the check its record expects, and an entry verified against
 * another check is not served for it.
 */

/** The largest blob cached by default: one pread and one socket write in the reader (BODY_CHUNK). */
export const MAX_CACHED_BLOB = 4 * 1024 * 1024;
/** Bytes counted per entry on top of its blob (map entry, key, record), so tiny blobs count too. */
export const ENTRY_OVERHEAD = 256;

export interface ReadCacheOptions {
  /** Bytes the cache may hold, entry overheads included; 0 disables it. */
  capacity: number;
  /**
   * The largest blob it takes. Default: MAX_CACHED_BLOB, and at most an eighth of `capacity`, so a
   * few large blobs cannot flush everything else.
   */
  maxEntry?: number;
}

/** What a load read: the bytes, and whether they passed verification (only sound bytes are cached). */
export interface Loadable {
  readonly bytes: Buffer;
  readonly sound: boolean;
}

/** Bytes the cache kept, given out again. */
export interface Kept {
  readonly bytes: Buffer;
  readonly sound: true;
}

interface Entry {
  readonly bytes: Buffer;
  readonly check: string;
}

interface Loading {
  readonly promise: Promise<Loadable>;
  /** Cleared when the blob is deleted meanwhile: its bytes are then not kept. */
  keep: boolean;
}

/** Bytes an entry of `size` bytes counts for. */
function cost(size: number): number {
  return size + ENTRY_OVERHEAD;
}

/**
 * `bytes` in memory of their own: a view into a larger allocation (node's shared slab for small
 * buffers, any buffer a reader sliced) is copied, so an entry holds exactly what it counts and
 * nothing else can write into it.
 */
function owned(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

/**
 * Whole blobs by id, least recently used first out, within a byte budget. Cached buffers are
 * shared by every response that reads them: they are never written, never pooled, never released.
 * An evicted buffer lives on until the responses still writing it finish (then the GC takes it).
 * @example
 *   const cache = new ReadCache({ capacity: 64 << 20 });
 *   const hit = cache.get(blobId, 'crc32:1234');
 *   const { bytes } = hit ? { bytes: hit } : await cache.load(blobId, 'crc32:1234', readAndVerify);
 */
export class ReadCache {
  readonly capacity: number;
  readonly maxEntry: number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Loading>();
  #bytes = 0;

  constructor(options: ReadCacheOptions) {
    if (!(options.capacity >= 0)) throw new RangeError('read cache capacity must be 0 or more bytes');
    this.capacity = Math.floor(options.capacity);
    this.maxEntry = options.maxEntry ?? Math.min(MAX_CACHED_BLOB, Math.floor(this.capacity / 8));
  }

  /** Bytes held, entry overheads included (never above `capacity`). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Blobs held. */
  get count(): number {
    return this.#entries.size;
  }

  /** True when a blob of `size` bytes may enter (not too large for an entry or the budget). */
  admits(size: number): boolean {
    return size <= this.maxEntry && cost(size) <= this.capacity;
  }

  /** The cached bytes of `blobId` if they were verified against `check`, now most recently used. */
  get(blobId: string, check: string): Buffer | undefined {
    const entry = this.#entries.get(blobId);
    if (entry === undefined || entry.check !== check) return undefined;
    this.#entries.delete(blobId);
    this.#entries.set(blobId, entry);
    return entry.bytes;
  }

  /**
   * Runs `read` (read the whole blob, verify it against `check`) once for all concurrent callers
   * of the same blob and check, and keeps its bytes when they are sound and fit. Every caller gets
   * the same result (its bytes in memory of their own), and judges `sound` itself: a damaged blob
   * is reported by each request that met it, and never cached. A rejection reaches every caller.
   * Bytes already kept (a load that ended after this caller last looked) are given without a read.
   */
  load<T extends Loadable>(blobId: string, check: string, read: () => Promise<T>): Promise<T | Kept> {
    const kept = this.get(blobId, check);
    if (kept !== undefined) return Promise.resolve({ bytes: kept, sound: true });
    const key = `${blobId}\n${check}`;
    const pending = this.#loading.get(key);
    if (pending !== undefined) return pending.promise as Promise<T>;
    const loading: { promise?: Promise<T>; keep: boolean } = { keep: true };
    // Registered before `read` runs: a read that throws at once still ends in the finally below.
    this.#loading.set(key, loading as Loading);
    loading.promise = (async () => {
      try {
        const loaded = await read();
        if (!loaded.sound || !this.admits(loaded.bytes.length)) return loaded;
        const bytes = owned(loaded.bytes);
        if (loading.keep) this.#put(blobId, { bytes, check });
        return bytes === loaded.bytes ? loaded : { ...loaded, bytes };
      } finally {
        this.#loading.delete(key);
      }
    })();
    return loading.promise;
  }

  /** Forgets blobs (deleted ones: nothing reads them again), including loads in flight. */
  delete(blobIds: Iterable<string>): void {
    for (const blobId of blobIds) {
      this.#remove(blobId);
      for (const [key, loading] of this.#loading) if (key.startsWith(`${blobId}\n`)) loading.keep = false;
    }
  }

  #remove(blobId: string): void {
    const entry = this.#entries.get(blobId);
    if (entry === undefined) return;
    this.#entries.delete(blobId);
    this.#bytes -= cost(entry.bytes.length);
  }

  #put(blobId: string, entry: Entry): void {
    this.#remove(blobId);
    const size = cost(entry.bytes.length);
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes + size <= this.capacity) break;
      this.#entries.delete(oldest);
      this.#bytes -= cost(old.bytes.length);
    }
    this.#entries.set(blobId, entry);
    this.#bytes += size;
  }
}
