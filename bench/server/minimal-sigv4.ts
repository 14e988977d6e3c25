/**
 * The minimal SigV4 verifier: the ceiling for any authenticating Node server, written from the
 * AWS specification (SigV4 "Create a signed AWS API request"; S3 "Authenticating Requests:
 * Using the Authorization Header", "… Using Query Parameters", "… Transferring Payload in
 * Multiple Chunks") in its smallest correct form. It imports nothing from src/, so the ceiling
 * does not move when Tessera's verifier changes (test/bench-minimal-verifier.test.ts proves it
 * against the official vectors and the AWS SDK's signer).
 *
 * It checks the Authorization header form (x-amz-date within 15 minutes) and the presigned form
 * (X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders/Signature, expiry), the credential scope,
 * the access key (and the session token when the credential has one), that host is signed, and
 * the signature. It is synchronous: no promise between the request and the answer. What the body
 * owes comes back as a PayloadCheck (minimal-payload.ts checks it as the body streams).
 * Left out, as policy rather than signature: which x-amz-* headers must be signed, anonymous
 * requests, SigV2, trailers. Duplicate signed headers are joined as node:http joins them (", "),
 * which only refuses such requests.
 */
import {
  ALGORITHM,
  AuthFailure,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  createSignature,
  EMPTY_SHA256,
  type MinimalOptions,
  type MinimalRequest,
  type PayloadCheck,
  queryParams,
  STREAMING_PAYLOAD,
  sameSignature,
  sha256Hex,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './minimal-canonical.js';

export {
  AuthFailure,
  type MinimalOptions,
  type MinimalRequest,
  type PayloadCheck,
} from './minimal-canonical.js';

/** S3: the request time must be "within 15 minutes of the Amazon S3 system time". */
const MAX_SKEW_MS = 15 * 60_000;
/** "X-Amz-Expires … Minimum value of 1. Maximum value of 604800 (seven days)." */
const MAX_EXPIRES = 604_800;
const NONE: PayloadCheck = { type: 'none' };

const fail = (code: string, message: string) => new AuthFailure(code, message);

/** yyyyMMdd'T'HHmmss'Z' → ms since the epoch (NaN when malformed). */
function parseAmzDate(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);

/** What a signature claims, from the header or the query. */
interface Claim {
  credential: string;
  amzDate: string;
  signedHeaders: string;
  signature: string;
  token: string | undefined;
  declaredHash: string | undefined;
}

/** "Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…" */
function headerClaim(req: MinimalRequest, authorization: string, now: number): Claim {
  if (!authorization.startsWith(`${ALGORITHM} `))
    throw fail('AuthorizationHeaderMalformed', 'Unsupported Authorization algorithm');
  const f: Record<string, string> = {};
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const p = part.trim();
    const eq = p.indexOf('=');
    if (eq > 0) f[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const amzDate = one(req.headers['x-amz-date']);
  if (!f.Credential || !f.SignedHeaders || !f.Signature || !amzDate)
    throw fail(
      'AuthorizationHeaderMalformed',
      'Credential, SignedHeaders, Signature and x-amz-date are required',
    );
  const t = parseAmzDate(amzDate);
  if (!(Math.abs(now - t) <= MAX_SKEW_MS))
    throw fail(
      'RequestTimeTooSkewed',
      "The difference between the request time and the server's time is too large",
    );
  return {
    credential: f.Credential,
    amzDate,
    signedHeaders: f.SignedHeaders,
    signature: f.Signature,
    token: one(req.headers['x-amz-security-token']),
    declaredHash: one(req.headers['x-amz-content-sha256']),
  };
}

/** A query value as the client meant it ('+' is a space). */
function decodeValue(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    throw fail('AuthorizationQueryParametersError', `Malformed query value: ${raw}`);
  }
}

/** X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature: valid from Date until Date + Expires. */
function queryClaim(params: [string, string, string][], now: number): Claim {
  const q = { algorithm: '', credential: '', amzDate: '', expires: '', signedHeaders: '', signature: '' };
  let token: string | undefined;
  let declaredHash: string | undefined;
  for (const [name, , raw] of params) {
    // The first occurrence of each counts.
    if (name === 'X-Amz-Algorithm') q.algorithm ||= decodeValue(raw);
    else if (name === 'X-Amz-Credential') q.credential ||= decodeValue(raw);
    else if (name === 'X-Amz-Date') q.amzDate ||= decodeValue(raw);
    else if (name === 'X-Amz-Expires') q.expires ||= decodeValue(raw);
    else if (name === 'X-Amz-SignedHeaders') q.signedHeaders ||= decodeValue(raw);
    else if (name === 'X-Amz-Signature') q.signature ||= decodeValue(raw);
    else if (name === 'X-Amz-Security-Token') token ??= decodeValue(raw);
    else if (name === 'X-Amz-Content-Sha256') declaredHash ??= decodeValue(raw);
  }
  if (q.algorithm !== ALGORITHM || !q.credential || !q.amzDate || !q.expires)
    throw fail(
      'AuthorizationQueryParametersError',
      'X-Amz-Algorithm, -Credential, -Date, -Expires are required',
    );
  if (!q.signedHeaders || !q.signature)
    throw fail('AuthorizationQueryParametersError', 'X-Amz-SignedHeaders and X-Amz-Signature are required');
  const seconds = /^\d{1,6}$/.test(q.expires) ? Number(q.expires) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_EXPIRES))
    throw fail('AuthorizationQueryParametersError', 'X-Amz-Expires must be 1 to 604800');
  const t = parseAmzDate(q.amzDate);
  if (!(t - now <= MAX_SKEW_MS)) throw fail('AccessDenied', 'Request is not valid yet');
  if (now > t + seconds * 1000) throw fail('AccessDenied', 'Request has expired');
  return {
    credential: q.credential,
    amzDate: q.amzDate,
    signedHeaders: q.signedHeaders,
    signature: q.signature,
    token,
    declaredHash,
  };
}

/** The payload hash the signer put in the canonical request, and what the body still owes. */
function payloadOf(req: MinimalRequest, c: Claim, presigned: boolean, service: string) {
  const declared = c.declaredHash ?? (presigned && service === 's3' ? UNSIGNED_PAYLOAD : undefined);
  if (declared === undefined) {
    // No declaration: the signer hashed the body itself (an empty one unless the test buffered it).
    if (req.body) return { hash: sha256Hex(req.body), check: NONE };
    return { hash: EMPTY_SHA256, check: { type: 'sha256', expected: EMPTY_SHA256 } as PayloadCheck };
  }
  if (declared === UNSIGNED_PAYLOAD && service === 's3') return { hash: declared, check: NONE };
  if (declared === STREAMING_PAYLOAD && !presigned) return { hash: declared, check: NONE, streaming: true };
  if (!/^[0-9a-fA-F]{64}$/.test(declared))
    throw fail(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a SHA-256',
    );
  return { hash: declared, check: { type: 'sha256', expected: declared.toLowerCase() } as PayloadCheck };
}

/**
 * Verifies a request's SigV4 signature (header or presigned form). Returns what the body owes;
 * throws AuthFailure (AccessDenied, InvalidAccessKeyId, InvalidToken, SignatureDoesNotMatch, …).
 * @example verifyMinimal({ method, rawPath, rawQuery, headers }, { now: Date.now(), lookup })
 */
export function verifyMinimal(req: MinimalRequest, o: MinimalOptions): PayloadCheck {
  const service = o.service ?? 's3';
  const params = queryParams(req.rawQuery);
  const authorization = one(req.headers.authorization);
  const presigned = authorization === undefined;
  if (presigned && !params.some((p) => p[0] === 'X-Amz-Signature'))
    throw fail('AccessDenied', 'Anonymous requests are not accepted');
  const c = presigned ? queryClaim(params, o.now) : headerClaim(req, authorization, o.now);

  // Credential = access key / yyyyMMdd / region / service / aws4_request, dated as the request.
  const parts = c.credential.split('/');
  const [date, region, svc, terminal] = parts.slice(-4);
  const accessKey = parts.slice(0, -4).join('/');
  if (parts.length < 5 || terminal !== 'aws4_request' || svc !== service || date !== c.amzDate.slice(0, 8))
    throw fail(
      presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
      'Bad credential scope',
    );
  if (o.region !== undefined && region !== o.region)
    throw fail('AuthorizationHeaderMalformed', `The region '${region}' is wrong; expecting '${o.region}'`);
  const credential = o.lookup(accessKey);
  if (!credential)
    throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  // A session credential needs its token (compared in constant time); other credentials take none.
  const token = credential.sessionToken ?? '';
  if (token === '' ? c.token !== undefined : !sameSignature(c.token ?? '', token))
    throw fail('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  if (!c.signedHeaders.split(';').includes('host')) throw fail('AccessDenied', 'host must be signed');

  const payload = payloadOf(req, c, presigned, service);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const canonical = canonicalRequest(
    req.method,
    canonicalUri(req.rawPath),
    canonicalQuery(params, presigned ? 'X-Amz-Signature' : undefined),
    req.headers,
    c.signedHeaders,
    payload.hash,
  );
  const key = signingKey(credential.secretKey, date!, region!, service);
  const expected = createSignature(key, stringToSign(c.amzDate, scope, canonical));
  if (!sameSignature(expected, c.signature))
    throw fail(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  if (!payload.streaming) return payload.check;
  const decodedLength = Number(one(req.headers['x-amz-decoded-content-length']));
  if (!Number.isSafeInteger(decodedLength) || decodedLength < 0)
    throw fail('MissingContentLength', 'x-amz-decoded-content-length is required for a streaming upload');
  // The seed signature starts the chain of chunk signatures.
  return { type: 'chunks', seed: c.signature, amzDate: c.amzDate, scope, key, decodedLength };
}
