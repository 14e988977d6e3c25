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

interface Segment {
  readonly handle: BlobHandle;
  readonly reader: ChunkReader;
  readonly blobId: string;
  /** The blob's recorded CRC-32: what a whole read checks (fast: about 6× MD5's speed). */
  readonly crc32?: number | undefined;
  /** Blobs written before CRC-32s were recorded: their MD5 (an ETag), when one applies. */
  readonly md5?: string | undefined;
}

/**
 * Opens the blobs an object spans and checks each is the size recorded: a missing, short or
 * over-long blob is reported and refused before any byte is sent (InternalError), so a client
 * never gets a 200 with bytes that cannot come. Rejects with code 'ENOENT' when a blob vanished
 * between the metadata lookup and the open (a concurrent overwrite); callers look the object up
 * again, and report it missing if it still is.
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
  try {
    for (const [i, seg] of data.segments.entries()) {
      const handle = await blobs.open(seg.blobId);
      const md5 = seg.crc32 === undefined ? expectedMd5(record, i, data.segments.length) : undefined;
      segments.push({ handle, reader: readerOf(handle), blobId: seg.blobId, crc32: seg.crc32, md5 });
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
    const check = whole ? wholeBlobCheck(seg) : undefined;
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
