import { randomBytes } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { type CredentialLookup, GLOBAL_REGION } from '../../auth/index.js';
import { ANONYMOUS, type Principal, TesseraError } from '../../core/index.js';
import type { AccessCheck, Authorizer } from '../../iam/index.js';
import { authenticateStep } from '../authenticate-step.js';
import type { Exchange, Trace, Verified } from '../exchange.js';
import { renderS3Error } from '../render-error.js';
import { requestContext, type TrustedProxies } from '../request-context.js';
import type { Api } from './api.js';
import { safeDecode } from './reserved-apis.js';
import { scopeStep } from './scope-step.js';

/** The Prometheus text of one scope of metrics. */
export interface MetricsText {
  readonly contentType: string;
  readonly body: string;
}

export interface MetricsApiOptions {
  /** `public`: anyone may scrape; `jwt` (MinIO's default name): admin:Prometheus is required. */
  readonly authType: 'jwt' | 'public';
  readonly lookup: CredentialLookup<Principal>;
  readonly authorizer: Authorizer;
  readonly domains: readonly string[];
  readonly region: string;
  readonly trustedProxies: TrustedProxies;
  /** /minio/v2/metrics/node: the metrics of the process that answers. */
  readonly node: () => Promise<MetricsText>;
  /** /minio/v2/metrics/cluster: every worker's metrics, aggregated. */
  readonly cluster: () => Promise<MetricsText>;
}

/** What a scrape must be allowed: MinIO's admin:Prometheus, deployment-wide. */
export const PROMETHEUS_CHECK: AccessCheck = { action: 'admin:Prometheus', resource: 'arn:aws:s3:::*' };

const BEARER = /^bearer\s+(\S+)\s*$/i;

/** A bearer token that fails verification, by the reason recorded for it (an error code). */
function refused(trace: Trace, t0: number, reason: string): TesseraError {
  trace.auth = { error: reason, ms: performance.now() - t0 };
  return new TesseraError('AccessDenied', 'The bearer token is not valid.');
}

/** jose's error codes as the auth failure reasons Tessera records. */
function joseReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_EXPIRED') return 'ExpiredToken';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'SignatureDoesNotMatch';
  return 'InvalidToken';
}

/**
 * Verifies the bearer JWT that `mc admin prometheus generate` makes: HS512, signed with the
 * secret key of the access key it names in `sub`, with `exp` and `iss: prometheus`. The
 * signature is checked by jose (WebCrypto's HMAC verify, constant time); an unknown key is
 * checked against a random secret so that it costs the same. Returns the key's principal.
 */
async function verifyBearer(
  token: string,
  x: Exchange,
  trace: Trace,
  lookup: CredentialLookup<Principal>,
): Promise<Principal> {
  const t0 = performance.now();
  let accessKey: unknown;
  try {
    const claims = decodeJwt(token);
    accessKey = claims.sub ?? claims['accessKey'];
  } catch {
    throw refused(trace, t0, 'InvalidToken');
  }
  if (typeof accessKey !== 'string' || accessKey === '') throw refused(trace, t0, 'InvalidToken');
  const credential = await lookup(accessKey);
  // Temporary credentials need their session token, which a bearer token cannot carry.
  const usable = credential !== undefined && credential.sessionToken === undefined ? credential : undefined;
  const secret = usable === undefined ? randomBytes(32) : Buffer.from(usable.secretKey);
  try {
    await jwtVerify(token, secret, {
      algorithms: ['HS512'],
      issuer: 'prometheus',
      requiredClaims: ['exp'],
      currentDate: new Date(x.time),
    });
  } catch (e) {
    throw refused(trace, t0, usable === undefined ? 'InvalidAccessKeyId' : joseReason(e));
  }
  if (usable === undefined) throw refused(trace, t0, 'InvalidAccessKeyId');
  trace.auth = { ms: performance.now() - t0 };
  return usable.principal;
}

/** The condition keys of a bearer-token request: the global ones (it carries no signature). */
const UNSIGNED: Verified = {
  kind: 'anonymous',
  principal: undefined,
  payload: { type: 'none' },
  payloadSigned: false,
};

/**
 * MinIO's Prometheus endpoints, `/minio/v2/metrics/cluster` and `/minio/v2/metrics/node`
 * (docs/metrics.md). Unless the metrics are public, a scrape proves who sends it — with a
 * SigV4-signed request (the pipeline's authentication, service s3) or with MinIO's bearer JWT —
 * and must be allowed admin:Prometheus (root always is). Other metrics paths (v2 bucket and
 * resource, v3) are NotImplemented.
 */
export function createMetricsApi(o: MetricsApiOptions): Api {
  const auth = { lookup: o.lookup, domains: o.domains };
  const authorize = async (x: Exchange, trace: Trace): Promise<void> => {
    const bearer = BEARER.exec(x.req.headers.authorization ?? '');
    let principal: Principal;
    let verified: Verified;
    if (bearer !== null) {
      principal = await verifyBearer(bearer[1]!, x, trace, o.lookup);
      verified = UNSIGNED;
    } else {
      verified = (await authenticateStep(x, auth, (r) => (trace.auth = r))).verified;
      scopeStep(trace, verified, { service: 's3', regions: [o.region, GLOBAL_REGION], api: 's3' });
      principal = verified.principal ?? ANONYMOUS;
    }
    // The metrics are the deployment's: no principal of another account may (docs/accounts.md).
    if (principal.kind !== 'anonymous' && principal.account !== '') throw new TesseraError('AccessDenied');
    if (principal.kind === 'root') {
      trace.authz = { decision: 'allow', reason: 'root' };
      return;
    }
    const base = o.authorizer.context(principal, requestContext(x.req, verified, x.time, o.trustedProxies));
    const [decision] = await o.authorizer.requireAll(principal, [PROMETHEUS_CHECK], base);
    trace.authz = {
      decision: 'allow',
      reason: decision?.reason ?? 'allowed',
      ...(decision === undefined ? {} : { statements: decision.statements }),
      actions: [PROMETHEUS_CHECK.action],
      resources: [PROMETHEUS_CHECK.resource],
    };
  };
  return {
    name: 'Metrics',
    auth: 'none',
    serve: async (x, _auth, trace) => {
      const path = x.rawPath.endsWith('/') ? x.rawPath.slice(0, -1) : x.rawPath;
      const scope =
        path === '/minio/v2/metrics/cluster'
          ? o.cluster
          : path === '/minio/v2/metrics/node'
            ? o.node
            : undefined;
      if (scope === undefined)
        throw new TesseraError('NotImplemented', 'This metrics endpoint is not implemented.');
      if (x.req.method !== 'GET' && x.req.method !== 'HEAD') throw new TesseraError('MethodNotAllowed');
      if (o.authType !== 'public') await authorize(x, trace);
      const text = await scope();
      return { status: 200, headers: { 'content-type': text.contentType }, body: text.body };
    },
    renderError: (err, x) => ({
      contentType: 'application/xml',
      body: renderS3Error(err, safeDecode(x.rawPath), x.requestId),
    }),
  };
}
