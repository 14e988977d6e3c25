import { isValidBucketName } from '../names.js';
import { bucketFromHost } from '../router.js';

/** The bucket (and whether a key) a request names, for CORS: no operation is routed. */
export interface CorsTarget {
  /** Undefined when the request names no bucket, or a name S3 could not have. */
  readonly bucket: string | undefined;
  readonly hasKey: boolean;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Reads the bucket from the Host (virtual-host style, `bucket.<domain>`) or the first path
 * segment (path style), as routeRequest does, without routing: an OPTIONS request has no
 * operation, and a request that failed before routing still names its bucket.
 */
export function corsTarget(
  rawPath: string,
  host: string | undefined,
  domains: readonly string[],
): CorsTarget {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const hostBucket = bucketFromHost(host, domains);
  let bucket: string | undefined;
  let hasKey: boolean;
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    hasKey = path !== '';
  } else {
    const slash = path.indexOf('/');
    bucket = path === '' ? undefined : decode(slash < 0 ? path : path.slice(0, slash));
    hasKey = slash >= 0 && slash < path.length - 1;
  }
  return { bucket: bucket !== undefined && isValidBucketName(bucket) ? bucket : undefined, hasKey };
}
