import { createHash } from 'node:crypto';
import { TesseraError } from '../core/index.js';
import type { S3Request } from './context.js';
import { announcedDigests, carriesDigest, verifyDigests } from './payload-digests.js';

/** A small request body read in full, after its Content-MD5 and checksum were verified. */
export interface VerifiedBody {
  bytes: Buffer;
  /** True when a Content-MD5, x-amz-checksum-* header or checksum trailer vouched for the bytes. */
  digested: boolean;
}

/**
 * The one reader of small request bodies (XML documents, bucket policies): refuses more than
 * `limit` bytes (MaxMessageLengthExceeded), then verifies every integrity value the request
 * carries, exactly as PutObject does — Content-MD5 (InvalidDigest when malformed, BadDigest on
 * mismatch) and x-amz-checksum-crc32 / -crc32c / -crc64nvme / -sha1 / -sha256 (BadDigest).
 * With UNSIGNED-PAYLOAD these are the only proof that the body is the one the client sent.
 */
export async function readVerifiedBody(req: S3Request, limit: number): Promise<VerifiedBody> {
  if (req.contentLength !== undefined && req.contentLength > limit)
    throw new TesseraError('MaxMessageLengthExceeded');
  const digests = announcedDigests(req);
  const md5 = createHash('md5');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.body.destroy();
      throw new TesseraError('MaxMessageLengthExceeded');
    }
    md5.update(chunk);
    digests.hasher?.update(chunk);
    chunks.push(chunk);
  }
  verifyDigests(req, digests, { size, md5: md5.digest() });
  return { bytes: Buffer.concat(chunks, size), digested: carriesDigest(digests) };
}

/**
 * "The Content-MD5 header is required for all Multi-Object Delete requests" — or, since S3's
 * flexible checksums, an x-amz-checksum-* value. AWS answers 400 InvalidRequest with this
 * message (MinIO says MissingContentMD5; Tessera follows AWS).
 */
export function requireDigest(body: VerifiedBody): void {
  if (!body.digested)
    throw new TesseraError('InvalidRequest', 'Missing required header for this request: Content-MD5');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly: undefined for invalid byte sequences (never U+FFFD). */
export function strictUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
