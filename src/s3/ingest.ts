import { createHash, type Hash } from 'node:crypto';
import { finished, type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { type Checksum, TesseraError } from '../core/index.js';
import type { ChecksumAlgorithm, DataLocation, ObjectChecksum } from '../storage/index.js';
import type { S3Deps, S3Request } from './context.js';
import { storeThreaded, usableDigestThreads } from './parallel-digest/index.js';
import { announcedDigests, verifyDigests } from './payload-digests.js';
import { SealStream, sealBuffer } from './sse/format.js';

/** Objects up to this size live inline in the metadata store. */
export const INLINE_LIMIT = 128 * 1024;
/**
 * Payloads announced at least this large are hashed on the digest threads, when the server
 * started them: below it, handing slots to threads costs more than hashing in place.
 */
export const THREADED_MIN = 8 * 1024 * 1024;
/** "The largest object that can be uploaded in a single PUT is 5 GB." */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

export interface Ingested {
  data: DataLocation;
  size: number;
  /** Raw MD5 of the payload (the ETag of a single-part object). */
  md5: Buffer;
  checksum?: ObjectChecksum;
}

/** Hashes and counts bytes as they pass, failing once more than `limit` bytes arrive. */
class Digester extends Transform {
  readonly md5: Hash = createHash('md5');
  size = 0;
  /** CRC-32 of the bytes so far (BlobSegment.crc32: what reads of the whole blob check). */
  crc32 = 0;
  constructor(
    readonly checksum: Checksum | undefined,
    private readonly limit: number,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      done(new TesseraError('EntityTooLarge'));
      return;
    }
    this.md5.update(chunk);
    this.checksum?.update(chunk);
    this.crc32 = crc32(chunk, this.crc32);
    done(null, chunk);
  }
}

/**
 * Reads a body that fits inline: hashes and keeps each piece as it comes, with no stream stages
 * in between (the cheapest path for the many small PUTs). Destroys the source on failure.
 */
function collectInline(
  source: Readable,
  limit: number,
  maxSize: number,
  hasher: Checksum | undefined,
): Promise<Stored> {
  return new Promise((resolve, reject) => {
    const md5 = createHash('md5');
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    const fail = (e: Error) => {
      failure ??= e;
      source.off('data', onData);
      source.destroy();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxSize) fail(new TesseraError('EntityTooLarge'));
      else if (size > limit)
        fail(new TesseraError('IncompleteBody', 'More data than the declared Content-Length.'));
      else {
        md5.update(chunk);
        hasher?.update(chunk);
        chunks.push(chunk);
      }
    };
    source.on('data', onData);
    finished(source, { writable: false }, (e) => {
      if (failure || e) reject(failure ?? e);
      else {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        resolve({ data: { kind: 'inline', bytes }, size, md5: md5.digest() });
      }
    });
  });
}

export interface Stored {
  data: DataLocation;
  size: number;
  md5: Buffer;
}

/**
 * Streams bytes into storage (inline when `inlineSize` says they fit, else a new blob) while
 * hashing them with MD5 and `hasher`. On failure nothing stays behind and the source is destroyed.
 */
export async function storeStream(
  deps: S3Deps,
  source: Readable,
  opts: {
    inlineSize?: number | undefined;
    maxSize: number;
    hasher?: Checksum | undefined;
    /** The payload's announced size: large ones go to the digest threads. */
    sizeHint?: number | undefined;
    /** Server-side encryption: the data key the stored bytes are sealed with (sse/format.ts). */
    sealWith?: Buffer | undefined;
  },
): Promise<Stored> {
  if (opts.inlineSize !== undefined && opts.inlineSize <= INLINE_LIMIT) {
    const inline = await collectInline(source, opts.inlineSize, opts.maxSize, opts.hasher);
    if (opts.sealWith === undefined || inline.data.kind !== 'inline') return inline;
    return { ...inline, data: { kind: 'inline', bytes: sealBuffer(inline.data.bytes, opts.sealWith) } };
  }
  if (opts.sealWith !== undefined) return storeSealed(deps, source, opts.sealWith, opts.hasher, opts.maxSize);
  const threads = (opts.sizeHint ?? 0) >= THREADED_MIN ? usableDigestThreads(deps.digestThreads) : undefined;
  if (threads) {
    const t = await storeThreaded(threads, deps.blobs, source, opts);
    const segments = [{ blobId: t.written.blobId, size: t.written.size, crc32: t.crc32 }];
    return { data: { kind: 'blobs', segments }, size: t.size, md5: t.md5 };
  }
  const digester = new Digester(opts.hasher, opts.maxSize);
  // Both sides settle before an error rises: the blob write removes its temporary file when the
  // source fails, and the request's answer must not go out before that.
  let failed: { error: unknown } | undefined;
  const first = <T>(p: Promise<T>) =>
    p.catch((error: unknown) => {
      failed ??= { error };
      throw error;
    });
  const [written] = await Promise.allSettled([
    first(deps.blobs.write(digester)),
    first(pipeline(source, digester)),
  ]);
  if (failed !== undefined || written.status === 'rejected') {
    digester.destroy();
    source.destroy();
    throw failed?.error;
  }
  const data: DataLocation = {
    kind: 'blobs',
    segments: [{ blobId: written.value.blobId, size: written.value.size, crc32: digester.crc32 }],
  };
  return { data, size: digester.size, md5: digester.md5.digest() };
}

/**
 * storeStream for encrypted bytes: hashes the plaintext (MD5, the checksum), seals it package by
 * package into a new blob, and records the stored size and CRC-32 (of the sealed bytes).
 */
async function storeSealed(
  deps: S3Deps,
  source: Readable,
  dataKey: Buffer,
  hasher: Checksum | undefined,
  maxSize: number,
): Promise<Stored> {
  const digester = new Digester(hasher, maxSize);
  const seal = new SealStream(dataKey);
  let failed: { error: unknown } | undefined;
  const first = <T>(p: Promise<T>) =>
    p.catch((error: unknown) => {
      failed ??= { error };
      throw error;
    });
  const [written] = await Promise.allSettled([
    first(deps.blobs.write(seal)),
    first(pipeline(source, digester, seal)),
  ]);
  if (failed !== undefined || written.status === 'rejected') {
    digester.destroy();
    seal.destroy();
    source.destroy();
    throw failed?.error;
  }
  const data: DataLocation = {
    kind: 'blobs',
    segments: [{ blobId: written.value.blobId, size: written.value.size, crc32: seal.crc32 }],
  };
  return { data, size: digester.size, md5: digester.md5.digest() };
}

/**
 * Streams a request payload into storage while computing its MD5 and any checksum the client
 * announced, then verifies Content-MD5 and the checksum. Nothing is visible to readers until the
 * caller commits metadata; on any failure the written blob is removed before the error rises.
 */
export async function ingestBody(
  deps: S3Deps,
  req: S3Request,
  opts: {
    allowInline: boolean;
    maxSize?: number;
    defaultAlgorithm?: ChecksumAlgorithm | undefined;
    /** Server-side encryption: the data key to seal the stored bytes with. */
    sealWith?: Buffer | undefined;
  },
): Promise<Ingested> {
  const maxSize = opts.maxSize ?? MAX_PUT_SIZE;
  if (req.contentLength !== undefined && req.contentLength > maxSize)
    throw new TesseraError('EntityTooLarge');
  const digests = announcedDigests(req, opts.defaultAlgorithm);
  const stored = await storeStream(deps, req.body, {
    inlineSize: opts.allowInline ? req.contentLength : undefined,
    maxSize,
    hasher: digests.hasher,
    sizeHint: req.contentLength,
    sealWith: opts.sealWith,
  });
  try {
    const checksum = verifyDigests(req, digests, stored);
    return checksum ? { ...stored, checksum } : { ...stored };
  } catch (e) {
    if (stored.data.kind === 'blobs') await deps.blobs.delete(stored.data.segments.map((s) => s.blobId));
    throw e;
  }
}
