import {
  actualRequestHeaders,
  corsTarget,
  deserializeCors,
  type PreflightBucket,
  preflightHeaders,
  type S3Deps,
} from '../s3/index.js';
import type { Api } from './apis/api.js';
import { safeDecode } from './apis/reserved-apis.js';
import type { Exchange, Trace } from './exchange.js';
import { renderS3Error } from './render-error.js';

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function bucketState(deps: S3Deps, bucket: string | undefined): Promise<PreflightBucket> {
  if (bucket === undefined || (await deps.metadata.getBucket(bucket)) === undefined) return undefined;
  const doc = await deps.metadata.getBucketConfig(bucket, 'cors');
  return doc === undefined ? null : deserializeCors(doc);
}

/**
 * The CORS preflight: `OPTIONS /bucket[/key]` in either style. S3 answers it without any
 * signature ("OPTIONS object": no Authorization), from the bucket's CORS configuration alone
 * (s3/cors/preflight.ts), and never looks at the key.
 */
export function createPreflightApi(o: { deps: S3Deps; domains: readonly string[] }): Api {
  return {
    name: 'S3',
    auth: 'none',
    serve: async (x, _auth, trace) => {
      const h = x.req.headers;
      const target = corsTarget(x.rawPath, h.host, o.domains);
      trace.operation = 'PreflightRequest';
      if (target.bucket !== undefined) trace.bucket = target.bucket;
      const origin = one(h.origin);
      const state = origin ? await bucketState(o.deps, target.bucket) : undefined;
      const headers = preflightHeaders(state, {
        origin,
        method: one(h['access-control-request-method']),
        headers: one(h['access-control-request-headers']),
        resourceType: target.hasKey ? 'OBJECT' : 'BUCKET',
      });
      return { status: 200, headers: { ...headers, 'content-length': 0 } };
    },
    renderError: (err, x) => ({
      contentType: 'application/xml',
      body: renderS3Error(err, safeDecode(x.rawPath), x.requestId),
    }),
  };
}

/**
 * Adds the CORS headers of the bucket's first matching rule to the answer of an actual S3
 * request that carries an Origin (called only then: requests without one pay nothing), errors
 * included. Best effort: a store failure here is logged and the answer goes out without them.
 */
export async function addCorsHeaders(
  x: Exchange,
  trace: Trace,
  deps: S3Deps,
  domains: readonly string[],
  log: (message: string, err?: unknown) => void,
): Promise<void> {
  const origin = one(x.req.headers.origin);
  if (!origin || x.res.headersSent) return;
  const bucket = trace.bucket ?? corsTarget(x.rawPath, x.req.headers.host, domains).bucket;
  if (bucket === undefined) return;
  try {
    const doc = await deps.metadata.getBucketConfig(bucket, 'cors');
    if (doc === undefined) return;
    // S3 matches an actual request on Access-Control-Request-Method when it carries one.
    const method = one(x.req.headers['access-control-request-method']) ?? x.req.method ?? 'GET';
    const headers = actualRequestHeaders(deserializeCors(doc), origin, method);
    if (headers === undefined || x.res.headersSent) return;
    for (const [name, value] of Object.entries(headers)) x.res.setHeader(name, value);
  } catch (e) {
    log(`CORS headers not added (request ${x.requestId})`, e);
  }
}
