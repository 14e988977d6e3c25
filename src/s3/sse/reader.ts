import { Readable } from 'node:stream';
import { TesseraError } from '../../core/index.js';
import type { ObjectRecord } from '../../storage/index.js';
import type { BodyChunk, DamageSink, OpenedObject } from '../object-reader.js';
import { encryptedSize, openRange, SealBroken, type StoredBytes, type StoredReader } from './format.js';

/** One encrypted sequence of an object: where its stored bytes start and its plaintext size. */
interface Sequence {
  readonly storedStart: number;
  readonly plainStart: number;
  readonly plainSize: number;
  readonly blobId: string;
}

/** The sequences of an encrypted object: one per blob (each part its own), or the inline bytes. */
function sequencesOf(record: ObjectRecord): Sequence[] {
  if (record.data.kind === 'inline')
    return [{ storedStart: 0, plainStart: 0, plainSize: record.size, blobId: '' }];
  const sizes =
    record.parts !== undefined && record.parts.length === record.data.segments.length
      ? record.parts.map((p) => p.size)
      : [record.size];
  let stored = 0;
  let plain = 0;
  return record.data.segments.map((seg, i) => {
    const plainSize = sizes[i] ?? 0;
    const s = { storedStart: stored, plainStart: plain, plainSize, blobId: seg.blobId };
    stored += seg.size;
    plain += plainSize;
    return s;
  });
}

const EMPTY: StoredBytes = { bytes: Buffer.alloc(0), release: () => {} };

/**
 * Stored bytes [start, end] of an opened object: through the body's pooled chunks when it has
 * them (one pread into a reused buffer for a batch of packages), else collected from its stream.
 */
async function readStored(opened: OpenedObject, start: number, end: number): Promise<StoredBytes> {
  const body = opened.stream(start, end) as Readable & { nextChunk?: () => Promise<BodyChunk | undefined> };
  if (typeof body.nextChunk !== 'function') {
    const parts: Buffer[] = [];
    for await (const c of body) parts.push(c as Buffer);
    return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), release: () => {} };
  }
  const chunks: BodyChunk[] = [];
  try {
    for (let c = await body.nextChunk(); c !== undefined; c = await body.nextChunk()) chunks.push(c);
  } catch (e) {
    for (const c of chunks) c.release();
    throw e;
  }
  if (chunks.length <= 1) return chunks[0] ?? EMPTY;
  const bytes = Buffer.concat(chunks.map((c) => c.bytes));
  for (const c of chunks) c.release();
  return { bytes, release: () => {} };
}

/** Tampered stored bytes: reported as damage (docs/operations.md), answered InternalError. */
function broken(record: ObjectRecord, blobId: string, e: SealBroken, sink?: DamageSink): TesseraError {
  sink?.({
    bucket: record.bucket,
    key: record.key,
    versionId: record.versionId,
    blobId,
    kind: 'checksum',
    detail: e.detail,
  });
  const version = record.versionId === undefined ? '' : ` version ${record.versionId}`;
  return new TesseraError(
    'InternalError',
    `damaged object ${record.bucket}/${record.key}${version}: ${e.message}`,
  );
}

/**
 * Plaintext bytes [start, end] of an encrypted object, from its opened stored bytes (`opened`:
 * undefined for an inline object). Only the packages the range touches are read and decrypted.
 */
async function* plainChunks(
  record: ObjectRecord,
  opened: OpenedObject | undefined,
  dataKey: Buffer,
  start: number,
  end: number,
  sink?: DamageSink,
): AsyncGenerator<Buffer> {
  const data = record.data;
  for (const seq of sequencesOf(record)) {
    const seqEnd = seq.plainStart + seq.plainSize - 1;
    if (seqEnd < start || seq.plainSize === 0) continue;
    if (seq.plainStart > end) break;
    const read: StoredReader =
      data.kind === 'inline'
        ? async (p, n) => data.bytes.subarray(p, p + n)
        : (p, n) =>
            n === 0
              ? Promise.resolve(EMPTY)
              : readStored(opened!, seq.storedStart + p, seq.storedStart + p + n - 1);
    const from = Math.max(start, seq.plainStart) - seq.plainStart;
    const to = Math.min(end, seqEnd) - seq.plainStart;
    try {
      yield* openRange(read, seq.plainSize, dataKey, from, to);
    } catch (e) {
      if (e instanceof SealBroken) throw broken(record, seq.blobId, e, sink);
      throw e;
    }
  }
}

/**
 * The plaintext of bytes [start, end] as a Readable whose first chunk is already decrypted: a
 * tampered first package is a clean InternalError before any header is sent; later damage cuts
 * the body (never wrong bytes).
 */
export async function decryptedStream(
  record: ObjectRecord,
  opened: OpenedObject | undefined,
  dataKey: Buffer,
  start: number,
  end: number,
  sink?: DamageSink,
): Promise<Readable> {
  const chunks = plainChunks(record, opened, dataKey, start, end, sink);
  const first = await chunks.next();
  return Readable.from(
    (async function* () {
      if (!first.done) yield first.value;
      yield* chunks;
    })(),
    { objectMode: false },
  );
}

/** The plaintext of an inline encrypted object's bytes [start, end], in one buffer. */
export async function decryptedInline(
  record: ObjectRecord,
  dataKey: Buffer,
  start: number,
  end: number,
  sink?: DamageSink,
): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of plainChunks(record, undefined, dataKey, start, end, sink)) out.push(c);
  return Buffer.concat(out);
}

/** The stored size of a part of `size` plaintext bytes, encrypted (its blob's size). */
export function storedPartSize(size: number, encrypted: boolean): number {
  return encrypted ? encryptedSize(size) : size;
}
