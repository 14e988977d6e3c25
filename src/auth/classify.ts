import { TesseraError } from '../core/index.js';
import { header } from './headers.js';
import { hasQueryKey } from './query.js';
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER } from './sigv4/payload.js';
import type { AuthKind, AuthRequest } from './types.js';

/**
 * Decides how a request proves who sent it, from cheap looks at the Authorization header, the
 * x-amz-content-sha256 header and the query keys; verification happens later, once per kind.
 * Throws InvalidArgument for an unsupported Authorization scheme or for several mechanisms at once.
 * @example classify({ method: 'GET', rawPath: '/b', rawQuery: '', headers: {} }) // 'anonymous'
 */
export function classify(req: AuthRequest): AuthKind {
  const authorization = header(req.headers, 'authorization');
  const q = req.rawQuery;
  const presignedV4 = q !== '' && (hasQueryKey(q, 'X-Amz-Algorithm') || hasQueryKey(q, 'X-Amz-Credential'));
  const presignedV2 = q !== '' && hasQueryKey(q, 'AWSAccessKeyId') && hasQueryKey(q, 'Signature');
  if (authorization !== undefined) {
    if (presignedV4 || presignedV2) {
      throw new TesseraError(
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    }
    if (authorization.startsWith('AWS4-HMAC-SHA256')) {
      switch (header(req.headers, 'x-amz-content-sha256')) {
        case STREAMING_SIGNED:
          return 'sigv4-streaming';
        case STREAMING_SIGNED_TRAILER:
          return 'sigv4-streaming-trailer';
        case STREAMING_UNSIGNED_TRAILER:
          return 'sigv4-streaming-unsigned-trailer';
        default:
          return 'sigv4-header';
      }
    }
    if (authorization.startsWith('AWS ')) return 'sigv2-header';
    throw new TesseraError('InvalidArgument', 'Unsupported Authorization Type');
  }
  if (presignedV4) return 'sigv4-presigned';
  if (presignedV2) return 'sigv2-presigned';
  return 'anonymous';
}
