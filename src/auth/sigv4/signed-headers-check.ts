import { TesseraError } from '../../core/index.js';
import { canonicalHeaderValue } from '../headers.js';
import { paramKey, type RawParam } from '../query.js';
import type { AuthRequest } from '../types.js';
import { decodeQueryComponent } from '../uri-encode.js';
import { UNSIGNED_PAYLOAD } from './payload.js';

type Headers = AuthRequest['headers'];

/** Says whether an x-amz-* header left out of SignedHeaders is still bound by the signature. */
export type UnsignedAllowance = (name: string, value: string | string[]) => boolean;

/** S3's answer, naming the headers: `<HeadersNotSigned>x-amz-acl, x-amz-tagging</HeadersNotSigned>`. */
function notSigned(names: readonly string[]): TesseraError {
  return new TesseraError('AccessDenied', 'There were headers present in the request which were not signed', {
    HeadersNotSigned: names.join(', '),
  });
}

/**
 * Checks that the signature covers the headers that steer the request: `host` must be signed, and
 * S3 refuses "any x-amz-* header not in SignedHeaders" ("There were headers present in the request
 * which were not signed", 403 AccessDenied) — otherwise an added x-amz-copy-source turns a signed
 * PUT into a CopyObject run with the signer's rights, and added x-amz-tagging, x-amz-meta-* or
 * x-amz-acl are stored. `allowed` names the exceptions of each signature form.
 * Runs before the credential lookup: it needs no secret.
 */
export function checkSignedHeaders(
  headers: Headers,
  signedNames: readonly string[],
  allowed: UnsignedAllowance,
): void {
  if (!signedNames.includes('host')) throw notSigned(['host']);
  let missing: string[] | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || !name.startsWith('x-amz-') || signedNames.includes(name)) continue;
    if (!allowed(name, value)) (missing ??= []).push(name);
  }
  if (missing) throw notSigned(missing.sort());
}

/**
 * Header-signed requests (streaming ones included): x-amz-content-sha256 may be left out of
 * SignedHeaders, because its value is the payload-hash line of the canonical request (a changed
 * value fails the signature). For services other than s3, the session token may be added after
 * signing (the SigV4 suite's post-sts-header-after case); it must match the credential anyway.
 */
export function headerFormAllowance(service: string): UnsignedAllowance {
  return (name) => name === 'x-amz-content-sha256' || (service !== 's3' && name === 'x-amz-security-token');
}

/**
 * Presigned URLs: "the headers a client may add are those whose values are also in the signed
 * query string" — SDKs hoist x-amz-* headers into the query when presigning, and the client may
 * send them again with the same value. x-amz-content-sha256 may repeat the signed payload hash
 * (UNSIGNED-PAYLOAD for S3 URLs).
 */
export function presignedAllowance(params: readonly RawParam[], service: string, declaredHash?: string) {
  const payloadHash = declaredHash ?? (service === 's3' ? UNSIGNED_PAYLOAD : undefined);
  return (name: string, value: string | string[]): boolean => {
    const sent = canonicalHeaderValue(value);
    if (name === 'x-amz-content-sha256' && sent === payloadHash) return true;
    for (const p of params) {
      if (paramKey(p).toLowerCase() === name && decodeQueryComponent(p.value ?? '') === sent) return true;
    }
    return false;
  };
}
