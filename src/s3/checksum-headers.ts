import { CHECKSUM_ALGORITHMS, decodeChecksum, parseChecksumAlgorithm, TesseraError } from '../core/index.js';
import type { ChecksumAlgorithm, ObjectChecksum } from '../storage/index.js';
import { header, type S3Request } from './context.js';

export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** The XML element name S3 uses for a checksum (ChecksumCRC32, …). */
export function checksumElement(alg: ChecksumAlgorithm): string {
  return `Checksum${alg}`;
}

export function parseAlgorithm(value: string | undefined): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const alg = parseChecksumAlgorithm(value);
  if (!alg)
    throw new TesseraError(
      'InvalidRequest',
      `Value for x-amz-checksum-algorithm header is invalid: ${value}`,
    );
  return alg;
}

/** Checks that a base64 checksum value decodes to the algorithm's digest length. */
export function assertChecksumValue(alg: ChecksumAlgorithm, value: string): void {
  try {
    decodeChecksum(alg, value);
  } catch {
    throw new TesseraError('InvalidRequest', `Value for ${checksumHeaderName(alg)} header is invalid.`);
  }
}

/** What the client asked to be verified for the payload. */
export interface ChecksumIntent {
  algorithm: ChecksumAlgorithm;
  /** The expected value from a header; undefined when it arrives in the aws-chunked trailer. */
  expected?: string;
  fromTrailer: boolean;
}

/**
 * Reads the checksum a request announces: an `x-amz-checksum-<alg>` header (value known up
 * front) or an `x-amz-trailer: x-amz-checksum-<alg>` (value after the body). More than one
 * checksum header is an error, as in S3.
 */
export function checksumIntent(req: S3Request): ChecksumIntent | undefined {
  let found: ChecksumIntent | undefined;
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = header(req, checksumHeaderName(alg));
    if (value === undefined) continue;
    if (found) throw new TesseraError('InvalidRequest', 'Expecting a single x-amz-checksum- header.');
    assertChecksumValue(alg, value);
    found = { algorithm: alg, expected: value, fromTrailer: false };
  }
  const trailer = header(req, 'x-amz-trailer')?.trim().toLowerCase();
  if (!found && trailer?.startsWith('x-amz-checksum-')) {
    const alg = parseAlgorithm(trailer.slice('x-amz-checksum-'.length));
    if (alg) found = { algorithm: alg, fromTrailer: true };
  }
  if (!found) {
    const declared = parseAlgorithm(header(req, 'x-amz-sdk-checksum-algorithm'));
    if (declared) found = { algorithm: declared, fromTrailer: false };
  }
  return found;
}

/**
 * Response headers for a stored checksum: its value, and its type as S3 reports it (UploadPart
 * answers without the type: `{ withType: false }`).
 */
export function checksumResponseHeaders(
  checksum: ObjectChecksum | undefined,
  opts: { withType: boolean } = { withType: true },
): Record<string, string> {
  if (!checksum) return {};
  const headers = { [checksumHeaderName(checksum.algorithm)]: checksum.value };
  return opts.withType ? { ...headers, 'x-amz-checksum-type': checksum.type } : headers;
}

/**
 * A stored checksum as elements of a result document (ChecksumCRC32 …) with its ChecksumType
 * where the result has one, in AWS's order: CopyObjectResult names the type first,
 * CompleteMultipartUploadResult after the value, CopyPartResult not at all.
 */
export function checksumElements(
  checksum: ObjectChecksum | undefined,
  type: 'type-first' | 'type-last' | 'no-type',
): Record<string, string> {
  if (!checksum) return {};
  const value = { [checksumElement(checksum.algorithm)]: checksum.value };
  if (type === 'no-type') return value;
  return type === 'type-first'
    ? { ChecksumType: checksum.type, ...value }
    : { ...value, ChecksumType: checksum.type };
}

/** Parses and checks Content-MD5 (base64 of 16 bytes); InvalidDigest when malformed. */
export function contentMd5(req: S3Request): Buffer | undefined {
  const value = header(req, 'content-md5');
  if (value === undefined) return undefined;
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== 16 || raw.toString('base64') !== value.trim()) throw new TesseraError('InvalidDigest');
  return raw;
}
