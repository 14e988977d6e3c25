import { checksumAlgorithmOfHeader, EMPTY_SHA256, sha256Hex, TesseraError } from '../../core/index.js';
import { header } from '../headers.js';
import type { AuthKind, AuthRequest, ChunkedDecoderOptions, PayloadCheck } from '../types.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** The payload hash that goes into the canonical request, and what the body still owes. */
export interface PayloadPlan {
  hash: string;
  check: PayloadCheck;
}

const NONE: PayloadCheck = Object.freeze({ type: 'none' });

function isSha256Hex(v: string): boolean {
  if (v.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/**
 * "UNSIGNED-PAYLOAD" and "STREAMING-UNSIGNED-PAYLOAD-TRAILER" are Amazon S3's: every other service
 * signs the SHA-256 of the body. The IAM and STS Query APIs carry the action and its parameters
 * in the body, so a signature that leaves the body out would cover nothing of the call (one
 * presigned URL would become a bearer token for every action).
 * Throws SignatureDoesNotMatch (AWS computes the body's hash, which the signature cannot match).
 */
export function requireSignedPayload(service: string, declared: string | undefined): void {
  if (service === 's3' || (declared !== UNSIGNED_PAYLOAD && declared !== STREAMING_UNSIGNED_TRAILER)) return;
  throw new TesseraError(
    'SignatureDoesNotMatch',
    `The request signature we calculated does not match the signature you provided: service ${service} signs the SHA-256 of the request body; ${declared} is accepted only for s3.`,
  );
}

/**
 * Plans the payload of a non-streaming request from its declared hash (x-amz-content-sha256 or
 * X-Amz-Content-Sha256). Without a declaration the signer hashed the body itself (STS/IAM form
 * posts): use `req.body` when buffered, else assume an empty body and require it to be empty.
 */
export function planPayload(declared: string | undefined, req: AuthRequest): PayloadPlan {
  if (declared === undefined) {
    if (req.body !== undefined) return { hash: sha256Hex(req.body), check: NONE };
    return { hash: EMPTY_SHA256, check: { type: 'sha256', expected: EMPTY_SHA256 } };
  }
  if (declared === UNSIGNED_PAYLOAD) return { hash: declared, check: NONE };
  if (!isSha256Hex(declared)) {
    throw new TesseraError(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    );
  }
  return { hash: declared, check: { type: 'sha256', expected: declared.toLowerCase() } };
}

/**
 * After the signature verified: a body the caller already buffered is checked now (throws
 * XAmzContentSHA256Mismatch), so nothing is left for the stream.
 */
export function settlePayload(check: PayloadCheck, req: AuthRequest): PayloadCheck {
  if (check.type !== 'sha256' || req.body === undefined) return check;
  if (sha256Hex(req.body) !== check.expected) throw new TesseraError('XAmzContentSHA256Mismatch');
  return NONE;
}

/** The trailing headers announced in x-amz-trailer; only x-amz-checksum-<alg> is allowed. */
export function announcedTrailers(req: AuthRequest): string[] {
  const value = header(req.headers, 'x-amz-trailer');
  if (value === undefined) return [];
  const names: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (checksumAlgorithmOfHeader(name) === undefined) {
      throw new TesseraError('InvalidArgument', `Unsupported trailer ${name}.`);
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

function decodedLength(req: AuthRequest): number | undefined {
  const v = header(req.headers, 'x-amz-decoded-content-length');
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v))
    throw new TesseraError('InvalidArgument', 'Invalid x-amz-decoded-content-length.');
  return Number(v);
}

/** Decoder options for the three streaming kinds; `signing` is set for the signed ones. */
export function streamingOptions(
  kind: Extract<AuthKind, `sigv4-streaming${string}`>,
  req: AuthRequest,
  signing: NonNullable<ChunkedDecoderOptions['signing']>,
): ChunkedDecoderOptions {
  const options: ChunkedDecoderOptions = {
    trailers: kind === 'sigv4-streaming' ? [] : announcedTrailers(req),
    signedTrailer: kind === 'sigv4-streaming-trailer',
  };
  if (kind !== 'sigv4-streaming-unsigned-trailer') options.signing = signing;
  const length = decodedLength(req);
  if (length !== undefined) options.decodedLength = length;
  return options;
}
