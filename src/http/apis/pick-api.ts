import type { IncomingMessage } from 'node:http';
import { signedServiceHint } from '../../auth/index.js';
import { bucketFromHost } from '../../s3/index.js';
import type { Api } from './api.js';
import { QUERY_SERVICES } from './query-api.js';
import { healthApi, metricsApi, minioAdminApi } from './reserved-apis.js';

export interface ApiTable {
  s3: Api;
  query: Api;
  /** `/minio/admin/…` (default: the reserved front door, NotImplemented). */
  admin?: Api;
  /** CORS preflights: OPTIONS on a bucket or object, answered without a signature (http/cors.ts). */
  preflight?: Api;
  /** `/minio/health/…` (default: the reserved front door, NotImplemented). */
  health?: Api;
  /** `/minio/v2/metrics/…`, `/minio/metrics/…` (default: the reserved front door). */
  metrics?: Api;
}

/**
 * Picks the API a request is for, from its request line and headers alone (before it is
 * authenticated):
 * - `/minio/admin/…`, `/minio/health/…`, `/minio/v2/metrics/…`, `/minio/metrics/…` are MinIO's
 *   admin, health and metrics APIs (on the endpoint itself, not on a virtual-host bucket) — never
 *   an object in a bucket named `minio`;
 * - `OPTIONS` (elsewhere) is a CORS preflight;
 * - `POST /`, and `GET /` signed for iam or sts, are the Query API ("Query requests are HTTP or
 *   HTTPS requests that use the HTTP verb GET or POST");
 * - everything else is S3.
 */
export function pickApi(
  req: IncomingMessage,
  rawPath: string,
  rawQuery: string,
  domains: readonly string[],
  apis: ApiTable,
): Api {
  if (req.method === 'OPTIONS' && apis.preflight !== undefined && !rawPath.startsWith('/minio/'))
    return apis.preflight;
  if (!rawPath.startsWith('/minio/') && rawPath !== '/') return apis.s3;
  if (bucketFromHost(req.headers.host, domains) !== undefined) return apis.s3;
  if (rawPath.startsWith('/minio/admin/')) return apis.admin ?? minioAdminApi;
  // madmin-go's KMS calls (`/minio/kms/v1/key/…`, docs/encryption.md) go to the admin front door.
  if (rawPath.startsWith('/minio/kms/')) return apis.admin ?? minioAdminApi;
  if (rawPath.startsWith('/minio/health/')) return apis.health ?? healthApi;
  if (rawPath.startsWith('/minio/v2/metrics/') || rawPath.startsWith('/minio/metrics/'))
    return apis.metrics ?? metricsApi;
  if (rawPath === '/') {
    if (req.method === 'POST') return apis.query;
    if (req.method === 'GET' && QUERY_SERVICES.has(signedServiceHint(req.headers, rawQuery) ?? '')) {
      return apis.query;
    }
  }
  return apis.s3;
}
