import { constantTimeEqual, parseAmzDate, TesseraError } from '../../core/index.js';
import { checkCredential } from '../credential.js';
import { pickParams, splitQuery } from '../query.js';
import { parseSignedHeaders, V4_ALGORITHM } from '../sigv4/authorization-header.js';
import { canonicalHeaders, canonicalRequest } from '../sigv4/canonical-request.js';
import { type CredentialScope, DEFAULT_SERVICES, parseCredential } from '../sigv4/credential-scope.js';
import {
  type PayloadPlan,
  planPayload,
  requireSignedPayload,
  settlePayload,
  UNSIGNED_PAYLOAD,
} from '../sigv4/payload.js';
import { checkSignedHeaders, presignedAllowance } from '../sigv4/signed-headers-check.js';
import { signingKeys } from '../sigv4/signing-key.js';
import { matchSignature } from '../sigv4/string-to-sign.js';
import { DEFAULT_MAX_SKEW_MS } from '../time.js';
import type { AuthRequest, Credential, VerifiedRequest, VerifyOptions } from '../types.js';
import { type VerifiedUrl, verifiedUrlKey, verifiedUrls } from './signature-cache.js';

/** The query parameters that authenticate a presigned SigV4 URL (not parameters of the call). */
export const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
] as const;

/** "X-Amz-Expires … Minimum value of 1. Maximum value of 604800 (seven days)." */
export const MAX_PRESIGNED_EXPIRES = 604800;

function queryError(message: string): TesseraError {
  return new TesseraError('AuthorizationQueryParametersError', message);
}

/**
 * A number out of range is 403 AccessDenied, as S3 answers it (ceph s3-tests, run against AWS:
 * `test_object_raw_get_x_amz_expires_out_range_zero`, `_out_max_range`, `_out_positive_range`
 * "fails 403"); only a value that is not a number is a malformed query (400).
 */
function parseExpires(value: string): number {
  if (!/^-?\d{1,20}$/.test(value)) throw queryError('X-Amz-Expires should be a number');
  const seconds = Number(value);
  if (seconds < 0) throw new TesseraError('AccessDenied', 'X-Amz-Expires must be non-negative');
  if (seconds === 0) throw new TesseraError('AccessDenied', 'Request has expired');
  if (seconds > MAX_PRESIGNED_EXPIRES) {
    throw new TesseraError(
      'AccessDenied',
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  }
  return seconds;
}

/**
 * Verifies a SigV4 presigned URL (query-string authentication). The URL is valid from
 * X-Amz-Date (less the allowed skew) until X-Amz-Date + X-Amz-Expires.
 * Throws AuthorizationQueryParametersError, AccessDenied ('Request has expired' / not yet
 * valid), InvalidAccessKeyId, InvalidToken, SignatureDoesNotMatch.
 * x-amz-checksum-* parameters are signed like any other but never checked against the body
 * (the SDK computes them for an empty body at presign time).
 */
export async function verifyPresignedV4<P>(
  req: AuthRequest,
  opts: VerifyOptions<P>,
): Promise<VerifiedRequest<P>> {
  const cache = opts.verifiedUrls === undefined ? verifiedUrls : opts.verifiedUrls;
  const services = opts.services ?? DEFAULT_SERVICES;
  const key = cache === null ? '' : verifiedUrlKey(req.method, req.rawPath, req.rawQuery);
  const known = cache?.get(key);
  if (
    known !== undefined &&
    known.services === services &&
    canonicalHeaders(req.headers, known.signedHeaderNames) === known.canonicalHeaders
  ) {
    checkWindow(known.signedAt, known.expiresAt, opts);
    checkSignedHeaders(req.headers, known.signedHeaderNames, known.allowance);
    const credential = await lookupCredential(known.scope.accessKey, known.sessionToken, opts);
    // Re-keyed since: verify from scratch with the current secret.
    if (constantTimeEqual(credential.secretKey, known.secretKey)) {
      return verified(
        known.scope,
        known.signedAt,
        known.sessionToken,
        credential,
        planPayload(known.declaredHash, req),
        req,
      );
    }
  }
  return verifyUrl(req, opts, services, cache === null ? undefined : (url) => cache.set(key, url));
}

/** The URL's validity window: from X-Amz-Date (less the allowed skew) to X-Amz-Date + X-Amz-Expires. */
function checkWindow(signedAt: number, expiresAt: number, opts: VerifyOptions<unknown>): void {
  if (signedAt - opts.now > (opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    throw new TesseraError('AccessDenied', 'Request is not valid yet');
  }
  if (opts.now > expiresAt) throw new TesseraError('AccessDenied', 'Request has expired');
}

async function lookupCredential<P>(
  accessKey: string,
  sessionToken: string | undefined,
  opts: VerifyOptions<P>,
): Promise<Credential<P>> {
  const found = opts.lookup(accessKey, sessionToken);
  return checkCredential(found instanceof Promise ? await found : found, sessionToken);
}

function verified<P>(
  scope: CredentialScope,
  signedAt: number,
  sessionToken: string | undefined,
  credential: Credential<P>,
  plan: PayloadPlan,
  req: AuthRequest,
): VerifiedRequest<P> {
  const out: VerifiedRequest<P> = {
    kind: 'sigv4-presigned',
    accessKey: scope.accessKey,
    principal: credential.principal,
    region: scope.region,
    service: scope.service,
    signedAt,
    signatureVersion: 'AWS4-HMAC-SHA256',
    payload: settlePayload(plan.check, req),
    payloadSigned: plan.hash !== UNSIGNED_PAYLOAD,
  };
  if (sessionToken !== undefined) out.sessionToken = sessionToken;
  return out;
}

/** The full check of a URL not seen before; `remember` keeps what it proved, when it may be kept. */
async function verifyUrl<P>(
  req: AuthRequest,
  opts: VerifyOptions<P>,
  services: readonly string[],
  remember: ((url: VerifiedUrl) => void) | undefined,
): Promise<VerifiedRequest<P>> {
  const params = splitQuery(req.rawQuery);
  const q = pickParams(params, PRESIGN_PARAMS);
  if (q['X-Amz-Algorithm'] !== V4_ALGORITHM)
    throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credentialValue = q['X-Amz-Credential'];
  const amzDate = q['X-Amz-Date'];
  const expiresValue = q['X-Amz-Expires'];
  const signedHeaders = q['X-Amz-SignedHeaders'];
  const signature = q['X-Amz-Signature'];
  if (!credentialValue || !amzDate || !expiresValue || !signedHeaders || !signature) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const scope = parseCredential(credentialValue, 'AuthorizationQueryParametersError', services);
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt))
    throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (amzDate.slice(0, 8) !== scope.date) {
    throw queryError(`Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date.`);
  }
  const expiresAt = signedAt + parseExpires(expiresValue) * 1000;
  checkWindow(signedAt, expiresAt, opts);
  const signedHeaderNames = parseSignedHeaders(signedHeaders, () =>
    queryError('X-Amz-SignedHeaders is malformed.'),
  );
  const declaredHash = q['X-Amz-Content-Sha256'];
  // "There were headers present in the request which were not signed": host and every x-amz-*
  // header, except those repeating a signed query parameter.
  const allowance = presignedAllowance(params, scope.service, declaredHash);
  checkSignedHeaders(req.headers, signedHeaderNames, allowance);
  requireSignedPayload(scope.service, declaredHash);
  const sessionToken = q['X-Amz-Security-Token'];
  const credential = await lookupCredential(scope.accessKey, sessionToken, opts);

  // S3 presigned URLs carry no payload hash: "UNSIGNED-PAYLOAD". Other services sign the body.
  const declared = declaredHash ?? (scope.service === 's3' ? UNSIGNED_PAYLOAD : undefined);
  const plan = planPayload(declared, req);
  const signed = canonicalHeaders(req.headers, signedHeaderNames);
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    params,
    headers: req.headers,
    signedHeaders,
    signedHeaderNames,
    payloadHash: plan.hash,
    presigned: true,
    canonicalHeaders: signed,
  });
  const keys = opts.signingKeys ?? signingKeys;
  const signingKey = keys.get(credential.secretKey, scope.date, scope.region, scope.service);
  matchSignature(signingKey, amzDate, scope.scope, canonical, signature);
  // A URL whose payload hash comes from the body (services other than s3) is not kept.
  if (remember !== undefined && declared !== undefined) {
    remember({
      scope,
      services,
      signedAt,
      expiresAt,
      signedHeaderNames,
      canonicalHeaders: signed,
      allowance,
      declaredHash: declared,
      sessionToken,
      secretKey: credential.secretKey,
    });
  }
  return verified(scope, signedAt, sessionToken, credential, plan, req);
}
