import { createHmac } from 'node:crypto';
import { constantTimeEqual, TesseraError } from '../../core/index.js';
import { header } from '../headers.js';
import type { RawParam } from '../query.js';
import type { AuthRequest, Credential } from '../types.js';
import { canonicalPath } from '../uri-encode.js';
import { canonicalResourceV2, stringToSignV2, virtualHostBucket } from './string-to-sign.js';

/** Signature = Base64(HMAC-SHA1(secret, StringToSign)). */
export function signV2(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** One way the client may have built the Date line and CanonicalizedAmzHeaders. */
export interface V2Variant {
  date: string;
  amzHeaders: string;
}

/**
 * Checks a V2 signature. The path is tried as sent; clients that signed a differently encoded
 * form of the same path (decoded, then AWS-encoded) also verify. Each variant is a reading of the
 * date rules that real clients follow. Throws SignatureDoesNotMatch.
 */
export function checkV2Signature(
  req: AuthRequest,
  params: readonly RawParam[],
  credential: Credential,
  variants: readonly V2Variant[],
  signature: string,
  domains: readonly string[] | undefined,
): void {
  const bucket = virtualHostBucket(header(req.headers, 'host'), domains);
  const path = req.rawPath === '' ? '/' : req.rawPath;
  const alternative = canonicalPath(path);
  const paths = alternative === path ? [path] : [path, alternative];
  let ok = false;
  for (const p of paths) {
    const resource = canonicalResourceV2(p, params, bucket);
    for (const v of variants) {
      ok =
        constantTimeEqual(
          signV2(credential.secretKey, stringToSignV2(req, v.date, v.amzHeaders, resource)),
          signature,
        ) || ok;
    }
  }
  if (!ok) throw new TesseraError('SignatureDoesNotMatch');
}
