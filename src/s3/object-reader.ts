import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
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

interface Segment {
  readonly handle: BlobHandle;
  readonly blobId: string;
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
      segments.push({ handle, blobId: seg.blobId, md5: expectedMd5(record, i, data.segments.length) });
      if (handle.size !== seg.size) {
        const kind = handle.size < seg.size ? 'short' : 'long';
        throw damaged(record, seg.blobId, kind, `${handle.size} bytes, ${seg.size} recorded`, sink);
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { stream: (start, end) => Readable.from(verifiedRange(record, segments, start, end, sink)), close };
}

/** Reports a blob that is still missing after the lookup was retried: it is damage, not a race. */
export function missingBlob(record: ObjectRecord, sink?: DamageSink): TesseraError {
  const blobId = record.data.kind === 'blobs' ? (record.data.segments[0]?.blobId ?? '') : '';
  return damaged(record, blobId, 'missing', 'the file is gone', sink);
}

/**
 * Bytes [start, end] across consecutive blobs. A blob that yields fewer bytes than asked (cut
 * while open) fails the stream at once; a blob read whole is checked against its MD5 while it
 * streams, and its last chunk is held back until the check passes — so damaged bytes end in a
 * cut connection, never in a complete-looking response.
 */
async function* verifiedRange(
  record: ObjectRecord,
  segments: readonly Segment[],
  start: number,
  end: number,
  sink?: DamageSink,
): AsyncGenerator<Buffer> {
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
    const hash = seg.md5 !== undefined && from === 0 && to === size - 1 ? createHash('md5') : undefined;
    let held: Buffer | undefined;
    let read = 0;
    for await (const chunk of seg.handle.stream(from, to) as AsyncIterable<Buffer>) {
      read += chunk.length;
      hash?.update(chunk);
      if (held !== undefined) yield held;
      held = chunk;
    }
    if (read !== to - from + 1) {
      throw damaged(record, seg.blobId, 'short', `read ${read} of ${to - from + 1} bytes`, sink);
    }
    if (hash !== undefined) {
      const got = hash.digest('hex');
      if (got !== seg.md5)
        throw damaged(record, seg.blobId, 'checksum', `MD5 ${got}, ${seg.md5} recorded`, sink);
    }
    if (held !== undefined) yield held;
  }
}
