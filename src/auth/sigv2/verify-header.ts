import { TesseraError } from '../../core/index.js';
import { checkCredential } from '../credential.js';
import { header } from '../headers.js';
import { splitQuery } from '../query.js';
import { checkSkew, parseRequestDate } from '../time.js';
import type { AuthRequest, VerifiedRequest, VerifyOptions } from '../types.js';
import { canonicalAmzHeaders } from './string-to-sign.js';
import { checkV2Signature } from './verify.js';

/** Parses `AWS <access key>:<base64 signature>`. Throws AuthorizationHeaderMalformed. */
export function parseV2Authorization(value: string): { accessKey: string; signature: string } {
  const colon = value.lastIndexOf(':');
  if (!value.startsWith('AWS ') || colon <= 4 || colon === value.length - 1) {
    throw new TesseraError('AuthorizationHeaderMalformed');
  }
  return { accessKey: value.slice(4, colon).trim(), signature: value.slice(colon + 1).trim() };
}

/**
 * Verifies a SigV2 Authorization header (`AWS AK:signature`).
 * Throws AuthorizationHeaderMalformed, AccessDenied (no date), RequestTimeTooSkewed,
 * InvalidAccessKeyId, InvalidToken, SignatureDoesNotMatch.
 */
export async function verifyV2Header<P>(
  req: AuthRequest,
  opts: VerifyOptions<P>,
): Promise<VerifiedRequest<P>> {
  const auth = parseV2Authorization(header(req.headers, 'authorization') ?? '');
  const amzDate = header(req.headers, 'x-amz-date');
  const date = amzDate ?? header(req.headers, 'date');
  const signedAt = date === undefined ? Number.NaN : parseRequestDate(date);
  // A date before the epoch is no valid date either: S3 answers AccessDenied, not a skew
  // (ceph s3-tests test_object_create_bad_date_before_epoch: 403 AccessDenied).
  if (Number.isNaN(signedAt) || signedAt < 0) {
    throw new TesseraError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  checkSkew(signedAt, opts.now, opts.maxSkewMs);
  const sessionToken = header(req.headers, 'x-amz-security-token');
  const found = opts.lookup(auth.accessKey, sessionToken);
  const credential = checkCredential(found instanceof Promise ? await found : found, sessionToken);
  // "If you include the x-amz-date header, use the empty string for the Date when constructing
  // the StringToSign." Some clients (and MinIO) still put a Date header they also send there.
  const amzHeaders = canonicalAmzHeaders(req.headers);
  const dateHeader = header(req.headers, 'date');
  const variants = [{ date: amzDate === undefined ? date! : '', amzHeaders }];
  if (amzDate !== undefined && dateHeader !== undefined) variants.push({ date: dateHeader, amzHeaders });
  checkV2Signature(req, splitQuery(req.rawQuery), credential, variants, auth.signature, opts.domains);
  const verified: VerifiedRequest<P> = {
    kind: 'sigv2-header',
    accessKey: auth.accessKey,
    principal: credential.principal,
    signedAt,
    signatureVersion: 'AWS',
    payload: { type: 'none' },
    // V2 signs Content-MD5 at most, never the body itself.
    payloadSigned: false,
  };
  if (sessionToken !== undefined) verified.sessionToken = sessionToken;
  return verified;
}
