import { createHmac } from 'node:crypto';
import { constantTimeEqual, TesseraError } from '../../core/index.js';
import { header } from '../headers.js';
import type { RawParam } from '../query.js';
import { BEYOND_LATIN1, NON_ASCII } from '../sigv4/string-to-sign.js';
import type { AuthRequest, Credential } from '../types.js';
import { canonicalPath } from '../uri-encode.js';
import { canonicalResourceV2, stringToSignV2, virtualHostBucket } from './string-to-sign.js';

/** Signature = Base64(HMAC-SHA1(secret, StringToSign)), the string read as UTF-8. */
export function signV2(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * The same over the bytes as sent: the header lines (node:http's Latin-1 strings) byte for byte,
 * then the resource, whose sub-resource values are decoded text (UTF-8).
 */
function signV2Wire(secret: string, head: string, resource: string): string {
  return createHmac('sha1', secret).update(head, 'latin1').update(resource, 'utf8').digest('base64');
}

/** One way the client may have built the Date line and CanonicalizedAmzHeaders. */
export interface V2Variant {
  date: string;
  amzHeaders: string;
}

/**
 * Checks a V2 signature. The path is tried as sent; clients that signed a differently encoded
 * form of the same path (decoded, then AWS-encoded) also verify, and a path-style bucket path
 * signed with a trailing slash (botocore). Each variant is a reading of the
 * date rules that real clients follow. Header bytes 0x80–0xFF (x-amz-meta-* in UTF-8, say) are
 * read both as sent and as UTF-8 of their Latin-1 decoding, as for SigV4 (see matchSignature).
 * Throws SignatureDoesNotMatch.
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
  // botocore's HmacV1Auth signs a path-style bucket request `/bucket` as `/bucket/` (its
  // auth_path); it names the same bucket, so that reading verifies too.
  if (bucket === undefined && path.lastIndexOf('/') === 0 && path.length > 1) paths.push(path + '/');
  const heads = variants.map((v) => {
    const head = stringToSignV2(req, v.date, v.amzHeaders, '');
    const wire = !BEYOND_LATIN1.test(head);
    return { head, wire, text: !wire || NON_ASCII.test(head) };
  });
  const secret = credential.secretKey;
  let ok = false;
  for (const p of paths) {
    const resource = canonicalResourceV2(p, params, bucket);
    for (const h of heads) {
      if (h.wire) ok = constantTimeEqual(signV2Wire(secret, h.head, resource), signature) || ok;
      if (h.text) ok = constantTimeEqual(signV2(secret, h.head + resource), signature) || ok;
    }
  }
  if (!ok) throw new TesseraError('SignatureDoesNotMatch');
}
