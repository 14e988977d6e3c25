import { formatAmzDate, parseAmzDate, TesseraError } from '../../core/index.js';
import { checkCredential } from '../credential.js';
import { header } from '../headers.js';
import { splitQuery } from '../query.js';
import { checkSkew, parseRequestDate } from '../time.js';
import type { AuthKind, AuthRequest, PayloadCheck, VerifiedRequest, VerifyOptions } from '../types.js';
import { parseV4Authorization } from './authorization-header.js';
import { canonicalRequest } from './canonical-request.js';
import { DEFAULT_SERVICES } from './credential-scope.js';
import {
  type PayloadPlan,
  planPayload,
  requireSignedPayload,
  STREAMING_UNSIGNED_TRAILER,
  settlePayload,
  streamingOptions,
  UNSIGNED_PAYLOAD,
} from './payload.js';
import { checkSignedHeaders, headerFormAllowance } from './signed-headers-check.js';
import { signingKeys } from './signing-key.js';
import { matchSignature } from './string-to-sign.js';

type V4HeaderKind = Extract<AuthKind, `sigv4-${'header' | 'streaming'}${string}`>;

/** The request time: x-amz-date (ISO-8601 basic), else the Date header (reformatted). */
function requestTime(req: AuthRequest): { amzDate: string; ms: number } {
  const amz = header(req.headers, 'x-amz-date');
  if (amz !== undefined) {
    const ms = parseAmzDate(amz);
    if (!Number.isNaN(ms)) return { amzDate: amz, ms };
  } else {
    const date = header(req.headers, 'date');
    const ms = date === undefined ? Number.NaN : parseRequestDate(date);
    if (!Number.isNaN(ms)) return { amzDate: formatAmzDate(ms), ms };
  }
  throw new TesseraError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
}

/**
 * Verifies a request signed with a SigV4 Authorization header, including the streaming
 * (aws-chunked) kinds whose header signature seeds the chunk signatures.
 * Throws AuthorizationHeaderMalformed, AccessDenied (no date), RequestTimeTooSkewed,
 * InvalidAccessKeyId, InvalidToken, InvalidArgument, SignatureDoesNotMatch.
 */
export async function verifyV4Header<P>(
  req: AuthRequest,
  kind: V4HeaderKind,
  opts: VerifyOptions<P>,
): Promise<VerifiedRequest<P>> {
  const auth = parseV4Authorization(
    header(req.headers, 'authorization') ?? '',
    opts.services ?? DEFAULT_SERVICES,
  );
  const scope = auth.credential;
  const time = requestTime(req);
  if (time.amzDate.slice(0, 8) !== scope.date) {
    throw new TesseraError(
      'AuthorizationHeaderMalformed',
      `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${time.amzDate.slice(0, 8)}".`,
    );
  }
  checkSkew(time.ms, opts.now, opts.maxSkewMs);
  // "There were headers present in the request which were not signed": host and every x-amz-*.
  checkSignedHeaders(req.headers, auth.signedHeaderNames, headerFormAllowance(scope.service));
  const declared = header(req.headers, 'x-amz-content-sha256');
  requireSignedPayload(scope.service, declared);
  const sessionToken = header(req.headers, 'x-amz-security-token');
  const found = opts.lookup(scope.accessKey, sessionToken);
  const credential = checkCredential(found instanceof Promise ? await found : found, sessionToken);

  const streaming = kind !== 'sigv4-header';
  // Streaming kinds sign the literal STREAMING-* value; their body is checked by the chunked decoder.
  const plan: PayloadPlan = streaming
    ? { hash: declared!, check: { type: 'none' } }
    : planPayload(declared, req);
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    params: splitQuery(req.rawQuery),
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    signedHeaderNames: auth.signedHeaderNames,
    payloadHash: plan.hash,
    presigned: false,
  });
  const keys = opts.signingKeys ?? signingKeys;
  const signingKey = keys.get(credential.secretKey, scope.date, scope.region, scope.service);
  const expected = matchSignature(signingKey, time.amzDate, scope.scope, canonical, auth.signature);

  const payload: PayloadCheck = streaming
    ? {
        type: 'aws-chunked',
        decoder: streamingOptions(kind, req, {
          signingKey,
          amzDate: time.amzDate,
          scope: scope.scope,
          seedSignature: expected,
        }),
      }
    : settlePayload(plan.check, req);
  const verified: VerifiedRequest<P> = {
    kind,
    accessKey: scope.accessKey,
    principal: credential.principal,
    region: scope.region,
    service: scope.service,
    signedAt: time.ms,
    signatureVersion: 'AWS4-HMAC-SHA256',
    payload,
    payloadSigned: streaming ? declared !== STREAMING_UNSIGNED_TRAILER : plan.hash !== UNSIGNED_PAYLOAD,
  };
  if (sessionToken !== undefined) verified.sessionToken = sessionToken;
  return verified;
}
