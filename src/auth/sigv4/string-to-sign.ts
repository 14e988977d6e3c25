import { createHash, hash } from 'node:crypto';
import { constantTimeEqual, EMPTY_SHA256, TesseraError } from '../../core/index.js';
import { signHex } from './signing-key.js';

/**
 * How the characters of a canonical request become the bytes that are hashed. `latin1`: one byte
 * per character, which for strings from node:http (header values decoded as Latin-1, an ASCII-only
 * request line) are exactly the bytes on the wire. `utf8`: the UTF-8 encoding of the string.
 * The two agree on ASCII.
 */
export type CanonicalEncoding = 'latin1' | 'utf8';

/** "AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex(sha256(canonical request))>" */
export function stringToSign(
  amzDate: string,
  scope: string,
  canonicalRequest: string,
  encoding: CanonicalEncoding = 'utf8',
): string {
  // One-shot crypto.hash (UTF-8 of a string) where both encodings agree: ASCII, nearly always.
  const digest =
    encoding === 'utf8' || !NON_ASCII.test(canonicalRequest)
      ? hash('sha256', canonicalRequest, 'hex')
      : createHash('sha256').update(canonicalRequest, encoding).digest('hex');
  return 'AWS4-HMAC-SHA256\n' + amzDate + '\n' + scope + '\n' + digest;
}

/** A character node:http never produces (it decodes header bytes as Latin-1). */
export const BEYOND_LATIN1 = /[^\x00-\xff]/;
export const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Checks the signature of a canonical request; returns it (the seed of chunk signatures) or throws
 * SignatureDoesNotMatch. Two readings of header bytes 0x80–0xFF are in use, so both are accepted:
 * - the bytes as sent (`latin1`): curl --aws-sigv4, Go clients (minio-go, aws-sdk-go, rclone),
 *   botocore (Content-Disposition; it refuses non-ASCII metadata) and MinIO hash the raw header
 *   bytes, for instance UTF-8;
 * - UTF-8 of the Latin-1-decoded value (`utf8`): what AWS S3 itself hashes, and so what signers
 *   that put their UTF-8 hash beside a Latin-1 header match (the JS SDK v3 with a Buffer or stream
 *   body, where node writes 'é' as the byte 0xE9).
 * ASCII requests (nearly all) have one reading and cost one HMAC. A canonical request with
 * characters beyond U+00FF was not built from node:http: it is read only as text (UTF-8).
 */
export function matchSignature(
  signingKey: Uint8Array,
  amzDate: string,
  scope: string,
  canonicalRequest: string,
  provided: string,
): string {
  // ASCII (nearly every request): both readings are the same bytes, one scan and one HMAC.
  if (!NON_ASCII.test(canonicalRequest)) {
    const sig = signHex(signingKey, stringToSign(amzDate, scope, canonicalRequest, 'utf8'));
    if (constantTimeEqual(sig, provided)) return sig;
    throw new TesseraError('SignatureDoesNotMatch');
  }
  if (!BEYOND_LATIN1.test(canonicalRequest)) {
    const raw = signHex(signingKey, stringToSign(amzDate, scope, canonicalRequest, 'latin1'));
    if (constantTimeEqual(raw, provided)) return raw;
  }
  const text = signHex(signingKey, stringToSign(amzDate, scope, canonicalRequest, 'utf8'));
  if (constantTimeEqual(text, provided)) return text;
  throw new TesseraError('SignatureDoesNotMatch');
}

/** Each aws-chunked chunk: "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<prev sig>\n<sha256('')>\n<sha256(chunk)>" */
export function chunkStringToSign(
  amzDate: string,
  scope: string,
  previous: string,
  chunkHash: string,
): string {
  return (
    'AWS4-HMAC-SHA256-PAYLOAD\n' +
    amzDate +
    '\n' +
    scope +
    '\n' +
    previous +
    '\n' +
    EMPTY_SHA256 +
    '\n' +
    chunkHash
  );
}

/** The trailer: "AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n<prev sig>\n<sha256(trailer lines)>" */
export function trailerStringToSign(
  amzDate: string,
  scope: string,
  previous: string,
  trailerHash: string,
): string {
  return 'AWS4-HMAC-SHA256-TRAILER\n' + amzDate + '\n' + scope + '\n' + previous + '\n' + trailerHash;
}
