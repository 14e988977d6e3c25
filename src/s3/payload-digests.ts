import { type Checksum, createChecksum, TesseraError } from '../core/index.js';
import type { ChecksumAlgorithm, ObjectChecksum } from '../storage/index.js';
import { type ChecksumIntent, checksumHeaderName, checksumIntent, contentMd5 } from './checksum-headers.js';
import type { S3Request } from './context.js';

/** The integrity values a request announces for its payload, and the hasher that checks them. */
export interface AnnouncedDigests {
  /** Raw Content-MD5 (InvalidDigest already raised when malformed). */
  md5?: Buffer | undefined;
  checksum?: ChecksumIntent | undefined;
  /** Running checksum for a header value (trailer values are verified by the aws-chunked decoder). */
  hasher?: Checksum | undefined;
}

/**
 * Reads Content-MD5 and the x-amz-checksum-* / x-amz-trailer / x-amz-sdk-checksum-algorithm
 * headers before the body is read. `defaultAlgorithm` computes a checksum nobody announced
 * (UploadPart of an upload created with x-amz-checksum-algorithm).
 */
export function announcedDigests(req: S3Request, defaultAlgorithm?: ChecksumAlgorithm): AnnouncedDigests {
  const md5 = contentMd5(req);
  const checksum =
    checksumIntent(req) ??
    (defaultAlgorithm ? { algorithm: defaultAlgorithm, fromTrailer: false } : undefined);
  const hasher = checksum && !checksum.fromTrailer ? createChecksum(checksum.algorithm) : undefined;
  return { md5, checksum, hasher };
}

/**
 * True when the request carries a value the body is checked against: Content-MD5, an
 * x-amz-checksum-* header, or an x-amz-checksum-* trailer. x-amz-sdk-checksum-algorithm alone
 * names an algorithm but no value, so it proves nothing.
 */
export function carriesDigest(d: AnnouncedDigests): boolean {
  return d.md5 !== undefined || d.checksum?.expected !== undefined || d.checksum?.fromTrailer === true;
}

/**
 * Checks a payload that has been read in full against what the request announced: the length
 * (IncompleteBody), Content-MD5 (BadDigest) and the checksum (BadDigest; a missing announced
 * trailer is InvalidRequest). Returns the checksum to store, if any.
 */
export function verifyDigests(
  req: S3Request,
  d: AnnouncedDigests,
  got: { size: number; md5: Buffer },
): ObjectChecksum | undefined {
  if (req.contentLength !== undefined && got.size !== req.contentLength)
    throw new TesseraError('IncompleteBody');
  // "Amazon S3 checks the object against the provided MD5 value and, if they do not match, returns an error."
  if (d.md5 && !got.md5.equals(d.md5)) throw new TesseraError('BadDigest');
  const intent = d.checksum;
  if (!intent) return undefined;
  let value: string;
  if (intent.fromTrailer) {
    const trailed = req.trailers()?.get(checksumHeaderName(intent.algorithm));
    if (trailed === undefined)
      throw new TesseraError('InvalidRequest', 'The announced checksum trailer is missing.');
    value = trailed;
  } else {
    value = d.hasher!.digest().toString('base64');
    if (intent.expected !== undefined && intent.expected !== value) {
      throw new TesseraError(
        'BadDigest',
        `The ${intent.algorithm} you specified did not match the calculated checksum.`,
      );
    }
  }
  return { algorithm: intent.algorithm, value, type: 'FULL_OBJECT' };
}
