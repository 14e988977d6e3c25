import { TesseraError } from '../../core/index.js';
import { corsResponseHeaders, findCorsRule, requestedHeaders } from './match.js';
import { CORS_METHODS, type CorsConfiguration } from './model.js';

/** What a preflight (OPTIONS) request asks, read from its headers. */
export interface PreflightRequest {
  readonly origin: string | undefined;
  readonly method: string | undefined;
  readonly headers: string | undefined;
  /** `OBJECT` when the URL names a key. */
  readonly resourceType: 'BUCKET' | 'OBJECT';
}

/** What the bucket has: undefined when it does not exist, `null` when it has no configuration. */
export type PreflightBucket = CorsConfiguration | null | undefined;

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/**
 * S3's answer to a preflight, in S3's order (as recorded against S3): no Origin → 400
 * BadRequest; no such bucket → 403 "CORSResponse: Bucket not found"; no configuration → 403
 * "CORS is not enabled for this bucket."; no or an unknown Access-Control-Request-Method → 400
 * "Invalid Access-Control-Request-Method: …"; no rule matches → 403 "This CORS request is not
 * allowed…". The 403s name the Method (OPTIONS when none was asked) and the ResourceType
 * (BUCKET until rules are evaluated for a key). A match gives the rule's headers.
 */
export function preflightHeaders(bucket: PreflightBucket, req: PreflightRequest): Record<string, string> {
  if (req.origin === undefined || req.origin === '') throw new TesseraError('BadRequest');
  const detail = (resourceType: string) => ({ Method: req.method ?? 'OPTIONS', ResourceType: resourceType });
  if (bucket === undefined)
    throw new TesseraError('AccessForbidden', 'CORSResponse: Bucket not found', detail('BUCKET'));
  if (bucket === null) throw new TesseraError('AccessForbidden', undefined, detail('BUCKET'));
  if (req.method === undefined || !(CORS_METHODS as readonly string[]).includes(req.method))
    throw new TesseraError('BadRequest', `Invalid Access-Control-Request-Method: ${req.method ?? 'null'}`);
  const headers = requestedHeaders(req.headers);
  const rule = findCorsRule(bucket.rules, req.origin, req.method, headers);
  if (rule === undefined) throw new TesseraError('AccessForbidden', NOT_ALLOWED, detail(req.resourceType));
  return corsResponseHeaders(rule, req.origin, headers);
}

/**
 * The CORS headers of an actual request (any method but OPTIONS) carrying an Origin: those of
 * the first rule that allows the origin and the method — Access-Control-Request-Method when the
 * request has one, as S3 does, else the request's own — or none. Requested headers are not checked.
 */
export function actualRequestHeaders(
  config: CorsConfiguration,
  origin: string,
  method: string,
): Record<string, string> | undefined {
  if (origin === '') return undefined;
  const rule = findCorsRule(config.rules, origin, method);
  return rule === undefined ? undefined : corsResponseHeaders(rule, origin);
}
