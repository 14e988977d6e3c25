import { createHmac } from 'node:crypto';
import { canonicalRequest, deriveSigningKey, splitQuery, stringToSign } from '../auth/index.js';
import { formatAmzDate } from '../core/index.js';

/** The credentials a console call is signed with: the session's (with its token) or, at login, the keys typed in. */
export interface SigningKeys {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken?: string;
}

/** What is signed: the raw path and query as they go on the wire, and the headers to sign. */
export interface ToSign {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case names; every one is signed (host included). */
  readonly headers: Readonly<Record<string, string>>;
  readonly payloadHash: string;
  readonly region: string;
  readonly service: string;
}

/**
 * Signs a request with an Authorization header (SigV4 with the server's own canonicalization
 * from auth/, so that the relay and the verifier cannot disagree). Returns the headers to send.
 * @example signRequest({ method: 'GET', rawPath: '/b', rawQuery: '', headers: { host }, payloadHash, region, service: 's3' }, keys)
 */
export function signRequest(r: ToSign, keys: SigningKeys, now = Date.now()): Record<string, string> {
  const date = formatAmzDate(now);
  const headers: Record<string, string> = {
    ...r.headers,
    'x-amz-date': date,
    'x-amz-content-sha256': r.payloadHash,
    ...(keys.sessionToken === undefined ? {} : { 'x-amz-security-token': keys.sessionToken }),
  };
  const names = Object.keys(headers).sort();
  const scope = `${date.slice(0, 8)}/${r.region}/${r.service}/aws4_request`;
  const canonical = canonicalRequest({
    method: r.method,
    rawPath: r.rawPath,
    params: splitQuery(r.rawQuery),
    headers,
    signedHeaders: names.join(';'),
    signedHeaderNames: names,
    payloadHash: r.payloadHash,
    presigned: false,
  });
  const key = deriveSigningKey(keys.secretKey, date.slice(0, 8), r.region, r.service);
  const signature = createHmac('sha256', key)
    .update(stringToSign(date, scope, canonical))
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${keys.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}
