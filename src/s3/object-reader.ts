import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { TesseraError } from '../core/index.js';
import type { BlobHandle, BlobStore, ObjectRecord } from '../storage/index.js';

/** An object's bytes, opened: every blob it spans is held open, so a concurrent overwrite cannot cut it. */
export interface OpenedObject {
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

/** What was found wrong with an object's stored bytes (docs/operations.md). */
export interface DamageReport {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
  readonly blobId: string;
  /** `missing`: the file is gone; `short` / `long`: not the size recorded; `checksum`: other bytes. */
  readonly kind: DamageKind;
  readonly detail: string;
  /** A part of an incomplete multipart upload (tessera admin scan), not an object version. */
  readonly uploadId?: string | undefined;
  readonly partNumber?: number | undefined;
}

export type DamageKind = 'missing' | 'short' | 'long' | 'checksum';

/**
 * Where damage reports go: the server's log, the `tessera_damaged_objects_total` counter, and
 * the audit entry of the request that met it (docs/operations.md).
 */
export type DamageSink = (report: DamageReport) => void;

/** A version quarantined by `tessera admin scan --quarantine`: refused, never served. */
export function quarantined(record: ObjectRecord): TesseraError {
  const version = record.versionId === undefined ? '' : ` version ${record.versionId}`;
  return new TesseraError(
    'InternalError',
    `damaged object ${record.bucket}/${record.key}${version} is quarantined (${record.damage ?? 'damaged'}); overwrite or delete it`,
  );
}

function damaged(
  record: ObjectRecord,
  blobId: string,
  kind: DamageReport['kind'],
  detail: string,
  sink?: DamageSink,
) {
  const report: DamageReport = {
    bucket: record.bucket,
    key: record.key,
    versionId: record.versionId,
    blobId,
    kind,
    detail,
  };
  sink?.(report);
  const version = record.versionId === undefined ? '' : ` version ${record.versionId}`;
  return new TesseraError(
    'InternalError',
    `damaged object ${record.bucket}/${record.key}${version}: blob ${blobId} ${kind} (${detail})`,
  );
}

/** The MD5 a segment's bytes must have, when the record says (a single-part object's ETag, a part's ETag). */
export function expectedMd5(record: ObjectRecord, index: number, count: number): string | undefined {
  const md5 = /^[0-9a-f]{32}$/;
  if (record.parts !== undefined) {
    const part = record.parts.length === count ? record.parts[index] : undefined;
    return part !== undefined && md5.test(part.etag) ? part.etag : undefined;
  }
  return count === 1 && md5.test(record.etag) ? record.etag : undefined;
}

/**
 * Bytes of an object body in one buffer. `release()` lets a pooled buffer be reused: call it once
 * nothing (node, the kernel) reads `bytes` any more. Calling it again does nothing.
 */
export interface BodyChunk {
  readonly bytes: Buffer;
  release(): void;
}

const NO_RELEASE = () => {};

/** A blob that reads by position into (pooled) buffers, as FsBlobHandle does. */
interface ChunkReader {
  read(position: number, length: number, pooled: boolean): Promise<BodyChunk>;
}

/** The longest single read: a body up to this size is one pread and one socket write. */
export const BODY_CHUNK = 4 * 1024 * 1024;

/** `handle`'s own positional reads, or reads through its stream (a store without them). */
function readerOf(handle: BlobHandle): ChunkReader {
  const own = handle as BlobHandle & Partial<ChunkReader>;
  if (typeof own.read === 'function') return own as BlobHandle & ChunkReader;
  return {
    read: async (position, length) => {
      const parts: Buffer[] = [];
      if (length > 0) for await (const c of handle.stream(position, position + length - 1)) parts.push(c);
      return { bytes: Buffer.concat(parts), release: () => {} };
    },
  };
}

/**
 * What the reader needs of a blob store's read cache (src/storage/blob/read-cache.ts, on the
 * store openStorage composes unless TESSERA_READ_CACHE_SIZE is 0): whole blobs in memory, each
 * verified against the digest its `check` names (`crc32:…`, `md5:…`) when it entered.
 */
export interface BlobReadCache {
  get(blobId: string, check: string): Buffer | undefined;
  admits(size: number): boolean;
  load<T extends { readonly bytes: Buffer; readonly sound: boolean }>(
    blobId: string,
    check: string,
    read: () => Promise<T>,
  ): Promise<T | { readonly bytes: Buffer; readonly sound: true }>;
}

/** The read cache a blob store carries (CachedBlobStore's `readCache`), if any. */
function readCacheOf(blobs: BlobStore): BlobReadCache | undefined {
  return (blobs as BlobStore & { readCache?: BlobReadCache }).readCache;
}

/** A blob served from the read cache: no file open, nothing to close. */
function memoryHandle(bytes: Buffer): BlobHandle {
  return {
    size: bytes.length,
    stream: (start, end) => Readable.from([bytes.subarray(start, end + 1)], { objectMode: false }),
    close: async () => {},
  };
}

interface Segment {
  readonly handle: BlobHandle;
  readonly reader: ChunkReader;
  readonly blobId: string;
  /** The blob's recorded CRC-32: what a whole read checks (fast: about 6× MD5's speed). */
  readonly crc32?: number | undefined;
  /** Blobs written before CRC-32s were recorded: their MD5 (an ETag), when one applies. */
  readonly md5?: string | undefined;
  /** The digest a whole read checks, as the read cache names it; undefined: none applies. */
  readonly check?: string | undefined;
  /** The blob's bytes from the read cache, verified when they entered it. */
  readonly cached?: Buffer | undefined;
  /** The read cache a whole read of this blob may fill. */
  readonly cache?: BlobReadCache | undefined;
}

/**
 * Opens the blobs an object spans and checks each is the size recorded: a missing, short or
 * over-long blob is reported and refused before any byte is sent (InternalError), so a client
 * never gets a 200 with bytes that cannot come. Rejects with code 'ENOENT' when a blob vanished
 * between the metadata lookup and the open (a concurrent overwrite); callers look the object up
 * again, and report it missing if it still is. A blob in the store's read cache is not opened:
 * its bytes come from memory, verified when they entered the cache (docs/operations.md).
 */
export async function openObject(
  blobs: BlobStore,
  record: ObjectRecord,
  sink?: DamageSink,
): Promise<OpenedObject> {
  if (record.damage !== undefined) throw quarantined(record);
  const data = record.data;
  if (data.kind === 'inline') {
    return {
      stream: (start, end) => Readable.from([data.bytes.subarray(start, end + 1)], { objectMode: false }),
      close: async () => {},
    };
  }
  const segments: Segment[] = [];
  const close = () => Promise.all(segments.map((s) => s.handle.close())).then(() => undefined);
  const cache = readCacheOf(blobs);
  try {
    for (const [i, seg] of data.segments.entries()) {
      const md5 = seg.crc32 === undefined ? expectedMd5(record, i, data.segments.length) : undefined;
      const check =
        seg.crc32 !== undefined ? `crc32:${seg.crc32}` : md5 === undefined ? undefined : `md5:${md5}`;
      // A cached blob is served from memory, as verified when it entered: no file to open.
      const cached = check === undefined ? undefined : cache?.get(seg.blobId, check);
      const handle = cached === undefined ? await blobs.open(seg.blobId) : memoryHandle(cached);
      const { blobId, crc32 } = seg;
      segments.push({ handle, reader: readerOf(handle), blobId, crc32, md5, check, cached, cache });
      if (handle.size !== seg.size) {
        const kind = handle.size < seg.size ? 'short' : 'long';
        throw damaged(record, seg.blobId, kind, `${handle.size} bytes, ${seg.size} recorded`, sink);
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    stream: (start, end) =>
      new ObjectBody((pooled) => verifiedChunks(record, segments, start, end, pooled, sink)),
    close,
  };
}

/**
 * An object's bytes as a Readable (fresh buffers, for any consumer: CopyObject, UploadPartCopy),
 * or chunk by chunk in pooled buffers through `nextChunk` (the HTTP layer, which releases each
 * buffer from its socket write's callback). A body is consumed one way or the other, not both.
 */
class ObjectBody extends Readable {
  readonly #open: (pooled: boolean) => AsyncGenerator<BodyChunk>;
  #chunks: AsyncGenerator<BodyChunk> | undefined;

  constructor(open: (pooled: boolean) => AsyncGenerator<BodyChunk>) {
    super();
    this.#open = open;
  }

  /** The next chunk in a pooled buffer (release it once written), or undefined at the end. */
  async nextChunk(): Promise<BodyChunk | undefined> {
    if (this.destroyed) return undefined;
    this.#chunks ??= this.#open(true);
    const r = await this.#chunks.next();
    return r.done ? undefined : r.value;
  }

  override _read(): void {
    this.#chunks ??= this.#open(false);
    this.#chunks.next().then(
      (r) => this.push(r.done ? null : r.value.bytes),
      (e: unknown) => this.destroy(e as Error),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Queued behind a read in flight, if any; its chunk goes to whoever asked for it.
    const chunks = this.#chunks;
    if (chunks === undefined) {
      callback(err);
      return;
    }
    chunks.return(undefined).then(
      () => callback(err),
      () => callback(err),
    );
  }
}

/** Reports a blob that is still missing after the lookup was retried: it is damage, not a race. */
export function missingBlob(record: ObjectRecord, sink?: DamageSink): TesseraError {
  const blobId = record.data.kind === 'blobs' ? (record.data.segments[0]?.blobId ?? '') : '';
  return damaged(record, blobId, 'missing', 'the file is gone', sink);
}

/** What a whole read of a blob checks: its CRC-32, or for older blobs its MD5. */
interface WholeBlobCheck {
  update(bytes: Buffer): void;
  /** After the last byte: undefined when the bytes match, else what differs. */
  mismatch(): string | undefined;
}

function wholeBlobCheck(seg: Segment): WholeBlobCheck | undefined {
  const recorded = seg.crc32;
  if (recorded !== undefined) {
    let crc = 0;
    return {
      update: (bytes) => {
        crc = crc32(bytes, crc);
      },
      mismatch: () => (crc === recorded ? undefined : `CRC-32 ${crc}, ${recorded} recorded`),
    };
  }
  const md5 = seg.md5;
  if (md5 === undefined) return undefined;
  const hash = createHash('md5');
  return {
    update: (bytes) => hash.update(bytes),
    mismatch: () => {
      const got = hash.digest('hex');
      return got === md5 ? undefined : `MD5 ${got}, ${md5} recorded`;
    },
  };
}

/**
 * Bytes [start, end] across consecutive blobs, read by position in chunks of up to BODY_CHUNK. A
 * blob that yields fewer bytes than asked (cut while open) fails the body at once; a blob read
 * whole is checked against its CRC-32 (or MD5) as it is read, and its last chunk is given out only after the
 * check passes — so damaged bytes end in a cut connection, never in a complete-looking response.
 * A whole blob the read cache admits is read in one go, verified and offered to the cache
 * (loadWhole); a cached blob's bytes are given out as they are (verified when they entered).
 */
async function* verifiedChunks(
  record: ObjectRecord,
  segments: readonly Segment[],
  start: number,
  end: number,
  pooled: boolean,
  sink?: DamageSink,
): AsyncGenerator<BodyChunk> {
  let offset = 0;
  for (const seg of segments) {
    const size = seg.handle.size;
    const segStart = offset;
    const segEnd = offset + size - 1;
    offset += size;
    if (segEnd < start || size === 0) continue;
    if (segStart > end) break;
    const from = Math.max(start, segStart) - segStart;
    const to = Math.min(end, segEnd) - segStart;
    const whole = from === 0 && to === size - 1;
    if (seg.cached !== undefined) {
      yield* cachedChunks(seg.cached, from, to, pooled);
      continue;
    }
    const check = whole ? wholeBlobCheck(seg) : undefined;
    if (check !== undefined && seg.check !== undefined && size <= BODY_CHUNK && seg.cache?.admits(size)) {
      const bytes = await loadWhole(record, seg, seg.cache, seg.check, check, sink);
      yield { bytes: pooled ? bytes : Buffer.from(bytes), release: NO_RELEASE };
      continue;
    }
    for (let at = from; at <= to; ) {
      const want = Math.min(BODY_CHUNK, to - at + 1);
      const chunk = await seg.reader.read(at, want, pooled);
      at += chunk.bytes.length;
      try {
        if (chunk.bytes.length < want) {
          const detail = `read ${at - from} of ${to - from + 1} bytes`;
          throw damaged(record, seg.blobId, 'short', detail, sink);
        }
        check?.update(chunk.bytes);
        const mismatch = at > to ? check?.mismatch() : undefined;
        if (mismatch !== undefined) throw damaged(record, seg.blobId, 'checksum', mismatch, sink);
      } catch (e) {
        chunk.release();
        throw e;
      }
      yield chunk;
    }
  }
}

/**
 * Bytes [from, to] of a cached blob, in chunks of up to BODY_CHUNK: views of the cached bytes for
 * the HTTP layer (which only writes them), copies for any other consumer (`pooled` false: the
 * Readable side promises buffers of their own).
 */
function* cachedChunks(bytes: Buffer, from: number, to: number, pooled: boolean): Generator<BodyChunk> {
  for (let at = from; at <= to; at += BODY_CHUNK) {
    const view = bytes.subarray(at, Math.min(to + 1, at + BODY_CHUNK));
    yield { bytes: pooled ? view : Buffer.from(view), release: NO_RELEASE };
  }
}

/** A whole-blob read for the cache: the bytes, or the damage found in them (never cached). */
type WholeRead =
  | { readonly bytes: Buffer; readonly sound: true }
  | { readonly bytes: Buffer; readonly sound: false; readonly kind: DamageKind; readonly detail: string };

/**
 * Reads a whole blob (at most BODY_CHUNK, so one read) into memory of its own, verifies it and
 * lets the read cache keep it when sound. Concurrent requests for the blob share the read; each
 * reports damage itself, as an uncached read would.
 */
async function loadWhole(
  record: ObjectRecord,
  seg: Segment,
  cache: BlobReadCache,
  checkName: string,
  check: WholeBlobCheck,
  sink?: DamageSink,
): Promise<Buffer> {
  const size = seg.handle.size;
  const loaded = await cache.load(seg.blobId, checkName, async (): Promise<WholeRead> => {
    // Never a pooled buffer: the bytes may stay in the cache, shared by many responses.
    const { bytes } = await seg.reader.read(0, size, false);
    if (bytes.length < size)
      return { bytes, sound: false, kind: 'short', detail: `read ${bytes.length} of ${size} bytes` };
    check.update(bytes);
    const mismatch = check.mismatch();
    return mismatch === undefined
      ? { bytes, sound: true }
      : { bytes, sound: false, kind: 'checksum', detail: mismatch };
  });
  if (!loaded.sound) throw damaged(record, seg.blobId, loaded.kind, loaded.detail, sink);
  return loaded.bytes;
}
