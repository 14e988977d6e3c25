import { createHash } from 'node:crypto';
import { type Checksum, createChecksum } from '../../core/index.js';
import type { BlobStore, ObjectChecksum, StoredObject } from '../../storage/index.js';
import { type DamageKind, expectedMd5 } from '../object-reader.js';
import { encryptedSize } from '../sse/format.js';

/** What one blob must be: its size, and the digests recorded for its bytes. */
export interface BlobExpectation {
  readonly blobId: string;
  readonly size: number;
  /** Hex MD5 (a single-part object's ETag, a part's ETag). */
  readonly md5?: string | undefined;
  /** A checksum recorded for exactly these bytes (not a composite of parts). */
  readonly checksum?: ObjectChecksum | undefined;
}

/** One problem with one blob; `gone`: the file is missing (maybe a race: look the record up again). */
export interface BlobProblem {
  readonly blobId: string;
  readonly kind: DamageKind;
  readonly detail: string;
}

export interface InspectResult {
  readonly problem?: BlobProblem;
  /** Bytes read to verify digests. */
  readonly bytesRead: number;
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/**
 * Checks one blob: it exists and has the size recorded; with `verify`, its bytes are read whole
 * and their MD5 and checksum compared with the recorded ones. Never changes anything.
 */
export async function inspectBlob(
  blobs: BlobStore,
  want: BlobExpectation,
  verify: boolean,
): Promise<InspectResult> {
  let handle: Awaited<ReturnType<BlobStore['open']>>;
  try {
    handle = await blobs.open(want.blobId);
  } catch (e) {
    if (code(e) === 'ENOENT')
      return { problem: { blobId: want.blobId, kind: 'missing', detail: 'the file is gone' }, bytesRead: 0 };
    throw e;
  }
  try {
    if (handle.size !== want.size) {
      const kind = handle.size < want.size ? 'short' : 'long';
      const detail = `${handle.size} bytes, ${want.size} recorded`;
      return { problem: { blobId: want.blobId, kind, detail }, bytesRead: 0 };
    }
    if (!verify || want.size === 0 || (want.md5 === undefined && want.checksum === undefined))
      return { bytesRead: 0 };
    const md5 = want.md5 === undefined ? undefined : createHash('md5');
    const sum: Checksum | undefined =
      want.checksum === undefined ? undefined : createChecksum(want.checksum.algorithm);
    let read = 0;
    for await (const chunk of handle.stream(0, want.size - 1) as AsyncIterable<Buffer>) {
      read += chunk.length;
      md5?.update(chunk);
      sum?.update(chunk);
    }
    return { bytesRead: read, ...verdict(want, read, md5?.digest('hex'), sum?.digest().toString('base64')) };
  } finally {
    await handle.close();
  }
}

function verdict(
  want: BlobExpectation,
  read: number,
  md5: string | undefined,
  checksum: string | undefined,
): { problem?: BlobProblem } {
  const blobId = want.blobId;
  if (read !== want.size)
    return { problem: { blobId, kind: 'short', detail: `read ${read} of ${want.size} bytes` } };
  if (md5 !== undefined && md5 !== want.md5)
    return { problem: { blobId, kind: 'checksum', detail: `MD5 ${md5}, ${want.md5} recorded` } };
  const c = want.checksum;
  if (checksum !== undefined && c !== undefined && checksum !== c.value)
    return {
      problem: { blobId, kind: 'checksum', detail: `${c.algorithm} ${checksum}, ${c.value} recorded` },
    };
  return {};
}

/** What each blob of an object version must be. */
export function objectExpectations(record: StoredObject): BlobExpectation[] {
  if (record.data.kind !== 'blobs') return [];
  const segments = record.data.segments;
  const count = segments.length;
  return segments.map((seg, i) => {
    const part = record.parts !== undefined && record.parts.length === count ? record.parts[i] : undefined;
    const whole = record.parts === undefined && count === 1 ? record.checksum : undefined;
    // Encrypted bytes (docs/encryption.md) are checked for their size only: their digests are the plaintext's.
    if (record.sse !== undefined) return { blobId: seg.blobId, size: seg.size };
    const checksum = plain(part?.checksum ?? whole);
    return { blobId: seg.blobId, size: seg.size, md5: expectedMd5(record, i, count), checksum };
  });
}

/** A checksum of exactly one blob's bytes: not a composite (`value-N`) of parts. */
export function plain(c: ObjectChecksum | undefined): ObjectChecksum | undefined {
  // Base64 has no '-': `value-N` is a checksum of the parts' checksums.
  return c === undefined || c.value.includes('-') ? undefined : c;
}

/** An inline object's bytes against its ETag (MD5) and checksum. */
export function inspectInline(record: StoredObject): BlobProblem | undefined {
  if (record.data.kind !== 'inline') return undefined;
  const bytes = record.data.bytes;
  const blobId = 'inline';
  const size = record.sse === undefined ? record.size : encryptedSize(record.size);
  if (bytes.length !== size)
    return { blobId, kind: bytes.length < size ? 'short' : 'long', detail: `${bytes.length} bytes` };
  if (record.sse !== undefined) return undefined;
  const md5 = expectedMd5(record, 0, 1);
  const got = createHash('md5').update(bytes).digest('hex');
  if (md5 !== undefined && got !== md5)
    return { blobId, kind: 'checksum', detail: `MD5 ${got}, ${md5} recorded` };
  return undefined;
}
