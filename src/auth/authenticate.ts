import { classify } from './classify.js';
import { header } from './headers.js';
import { verifyPresignedV4 } from './presign/verify.js';
import { verifyV2Header } from './sigv2/verify-header.js';
import { verifyV2Presigned } from './sigv2/verify-presigned.js';
import { verifyV4Header } from './sigv4/verify-header.js';
import type { AuthRequest, VerifiedRequest, VerifyOptions } from './types.js';

const ANONYMOUS_PAYLOAD = Object.freeze({ type: 'none' }) as VerifiedRequest['payload'];

/**
 * Authenticates a request: classifies its auth kind once, then verifies it. Resolves to a
 * VerifiedRequest (kind 'anonymous' with no principal when no credentials were sent); rejects
 * with a TesseraError: AuthorizationHeaderMalformed, AuthorizationQueryParametersError,
 * InvalidArgument, AccessDenied (expired or not-yet-valid presigned URL, missing date),
 * RequestTimeTooSkewed, InvalidAccessKeyId, InvalidToken, SignatureDoesNotMatch,
 * XAmzContentSHA256Mismatch (only when `req.body` was supplied).
 * The body itself is checked later, as `payload` says (createPayloadHashCheck / createChunkedDecoder).
 */
export async function authenticate<P>(req: AuthRequest, opts: VerifyOptions<P>): Promise<VerifiedRequest<P>> {
  const kind = classify(req);
  switch (kind) {
    case 'anonymous':
      return { kind, principal: undefined, payload: ANONYMOUS_PAYLOAD, payloadSigned: false };
    case 'sigv4-header':
    case 'sigv4-streaming':
    case 'sigv4-streaming-trailer':
    case 'sigv4-streaming-unsigned-trailer':
      return verifyV4Header(req, kind, opts);
    case 'sigv4-presigned':
      return verifyPresignedV4(req, opts);
    case 'sigv2-header':
      return verifyV2Header(req, opts);
    case 'sigv2-presigned':
      return verifyV2Presigned(req, opts);
    case 'post-policy':
      // Never classified from headers: a POST form's fields are verified by verifyPostForm.
      throw new Error('POST policy forms are verified from their fields');
    default: {
      const never: never = kind;
      throw new Error(`unhandled auth kind ${String(never)}`);
    }
  }
}

/**
 * Whether `authenticate` needs the buffered body: a SigV4 header-signed request with a body and
 * no x-amz-content-sha256 (SDK calls to STS and IAM sign the hash of their form body).
 */
export function needsBody(req: AuthRequest): boolean {
  const h = req.headers;
  if (h['x-amz-content-sha256'] !== undefined) return false;
  if (!header(h, 'authorization')?.startsWith('AWS4-HMAC-SHA256')) return false;
  const length = header(h, 'content-length');
  return (length !== undefined && length !== '0') || h['transfer-encoding'] !== undefined;
}
