import { TesseraError } from '../../core/index.js';
import type { S3Response } from '../../s3/index.js';
import { renderS3Error } from '../render-error.js';
import type { Api } from './api.js';
import { safeDecode } from './reserved-apis.js';

/** One dependency the node needs, and a cheap way to ask it whether it answers. */
export interface HealthProbe {
  /** For the operator's log line: `metadata`, `blobs`, … */
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or takes longer than the timeout) when not. */
  check(): Promise<void>;
}

export interface HealthApiOptions {
  /** /minio/health/ready (and /cluster/read): the metadata store and the blob store answer reads. */
  readonly ready: readonly HealthProbe[];
  /** /minio/health/cluster: besides the read probes, this node can write. */
  readonly writable: readonly HealthProbe[];
  /** How long a probe may take before it counts as failed (default 2000 ms). */
  readonly timeoutMs?: number;
  /** A failed probe is logged, rate-limited to one line per probe per minute. */
  readonly log?: (message: string, err?: unknown) => void;
}

const OK: S3Response = { status: 200, headers: {} };

/**
 * MinIO's health endpoints, unauthenticated as MinIO's are, answered with a status and no body:
 * - `live`: 200 while the process serves;
 * - `ready`: 200 when the metadata store and the blob store answer a cheap read, else 503;
 * - `cluster`: 200 when this node can serve writes (reads and a write check pass), else 503;
 *   with `?maintenance=true`, 412 — this node is the whole deployment, so taking it down would
 *   leave no write quorum (MinIO answers 412 when maintenance would lose quorum);
 * - `cluster/read`: 200 when this node can serve reads, else 503.
 * GET and HEAD only (MinIO registers no other method).
 */
export function createHealthApi(o: HealthApiOptions): Api {
  const timeoutMs = o.timeoutMs ?? 2000;
  const lastLogged = new Map<string, number>();
  const failed = (probe: HealthProbe, err: unknown) => {
    const now = Date.now();
    if (o.log === undefined || now - (lastLogged.get(probe.name) ?? -Infinity) < 60_000) return;
    lastLogged.set(probe.name, now);
    o.log(`health: the ${probe.name} probe failed`, err);
  };
  const pass = async (probes: readonly HealthProbe[]): Promise<boolean> => {
    const results = await Promise.all(
      probes.map((p) =>
        within(p, timeoutMs).then(
          () => true,
          (e: unknown) => {
            failed(p, e);
            return false;
          },
        ),
      ),
    );
    return results.every(Boolean);
  };
  const status = (healthy: boolean, sick = 503): S3Response => (healthy ? OK : { status: sick, headers: {} });
  return {
    name: 'Health',
    auth: 'none',
    serve: async (x) => {
      const method = x.req.method;
      if (method !== 'GET' && method !== 'HEAD') throw new TesseraError('MethodNotAllowed');
      const path = x.rawPath.endsWith('/') ? x.rawPath.slice(0, -1) : x.rawPath;
      switch (path) {
        case '/minio/health/live':
          return OK;
        case '/minio/health/ready':
        case '/minio/health/cluster/read':
          return status(await pass(o.ready));
        case '/minio/health/cluster': {
          const healthy = await pass(o.writable);
          const answer = x.query.get('maintenance') === 'true' ? status(false, 412) : status(healthy);
          return { ...answer, headers: { 'x-minio-write-quorum': '1' } };
        }
        default:
          throw new TesseraError('NotImplemented', 'This health endpoint is not implemented.');
      }
    },
    renderError: (err, x) => ({
      contentType: 'application/xml',
      body: renderS3Error(err, safeDecode(x.rawPath), x.requestId),
    }),
  };
}

function within(probe: HealthProbe, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    probe.check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
