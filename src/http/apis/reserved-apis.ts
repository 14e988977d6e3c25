import { TesseraError } from '../../core/index.js';
import { renderS3Error } from '../render-error.js';
import type { Api, ApiName } from './api.js';

function notImplemented(what: string): TesseraError {
  return new TesseraError('NotImplemented', `${what} is not implemented yet.`);
}

/**
 * MinIO's admin API (`/minio/admin/v3/…`, `/v4/…`): JSON errors `{Code, Message, Resource,
 * RequestId}` as madmin-go reads them. The calls not implemented yet (docs/minio-compat.md) answer
 * NotImplemented through this; admin-api.ts dispatches the implemented ones first.
 */
export const minioAdminApi: Api = {
  name: 'MinioAdmin',
  auth: 'none',
  serve: async () => {
    throw notImplemented("MinIO's admin API");
  },
  renderError: (err, x) => ({
    contentType: 'application/json',
    body: JSON.stringify({
      Code: err.code,
      Message: err.message,
      Resource: safeDecode(x.rawPath),
      RequestId: x.requestId,
    }),
  }),
};

/** An API with S3's XML errors that answers NotImplemented until its issue lands (health, metrics). */
function reserved(name: ApiName, what: string): Api {
  return {
    name,
    auth: 'none',
    serve: async () => {
      throw notImplemented(what);
    },
    renderError: (err, x) => ({
      contentType: 'application/xml',
      body: renderS3Error(err, safeDecode(x.rawPath), x.requestId),
    }),
  };
}

/** `/minio/health/…` when the pipeline is given no health API (cli composes apis/health-api.ts). */
export const healthApi: Api = reserved('Health', 'The health endpoint');

/** `/minio/v2/metrics/…`, `/minio/metrics/v3/…` when the pipeline is given no metrics API (apis/metrics-api.ts). */
export const metricsApi: Api = reserved('Metrics', 'The metrics endpoint');

/** The request path as an error's Resource shows it (decoded when it decodes). */
export function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
