import { createHmac } from 'node:crypto';
import { hmacSha256 } from '../../core/index.js';

/**
 * SigV4 POST: "the signature is the HMAC-SHA256 of the Base64-encoded policy, using the signing
 * key", as lower-case hex. The policy is signed as it was sent, before it is decoded.
 */
export function postSignatureV4(signingKey: Uint8Array, policyBase64: string): string {
  return hmacSha256(signingKey, policyBase64).toString('hex');
}

/** SigV2 POST: Signature = Base64(HMAC-SHA1(secret, Base64(policy))). */
export function postSignatureV2(secret: string, policyBase64: string): string {
  return createHmac('sha1', secret).update(policyBase64, 'utf8').digest('base64');
}
