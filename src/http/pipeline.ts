import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IamApi, MinioAdminApi } from '../admin/index.js';
import type { CredentialLookup } from '../auth/index.js';
import { newRequestId, type Principal, type TesseraError } from '../core/index.js';
import { AccessDeniedError, type Authorizer } from '../iam/index.js';
import type { S3Deps, ScanService } from '../s3/index.js';
import type { StsApi } from '../sts/index.js';
import type { AccountsAdmin } from './apis/admin-accounts.js';
import { createAdminApi } from './apis/admin-api.js';
import type { LdapAdmin } from './apis/admin-ldap.js';
import type { Api } from './apis/api.js';
import { type ApiTable, pickApi } from './apis/pick-api.js';
import { createQueryApi } from './apis/query-api.js';
import { createS3Api } from './apis/s3-api.js';
import { authenticateStep } from './authenticate-step.js';
import { addCorsHeaders, createPreflightApi } from './cors.js';
import type { Exchange, Trace, Verified } from './exchange.js';
import { lingerOnClose } from './linger.js';
import { ParsedQuery } from './parsed-query.js';
import { toTesseraError } from './render-error.js';
import { requestContext, type TrustedProxies } from './request-context.js';
import { buildEvent, buildSummary, type EventSink, type SummarySink } from './request-event.js';
import { type HeadMark, markHead, writeResponse } from './respond.js';

export interface PipelineOptions {
  deps: S3Deps;
  lookup: CredentialLookup<Principal>;
  /** The one authorizer (iam), shared by every API. */
  authorizer: Authorizer;
  /** The AWS IAM Query API (POST / signed for service iam). */
  iamApi?: IamApi;
  /** The STS Query API (requests signed for service sts). */
  stsApi?: StsApi;
  trustedProxies: TrustedProxies;
  /** Domains for virtual-host-style requests (bucket.domain). */
  domains: readonly string[];
  /** Full request events: the audit trail, the request log. */
  events?: EventSink | undefined;
  /** Request summaries: the metrics (cheaper than full events). */
  counters?: SummarySink | undefined;
  /** The deployment's id (cli: the data directory's `.tessera/deployment-id`), in every request event. */
  deploymentId?: string;
  /** `tessera admin scan` under `/minio/admin/` (docs/operations.md); absent, NotImplemented. */
  scan?: ScanService;
  /** `tessera admin account` under `/minio/admin/` (docs/accounts.md); absent, NotImplemented. */
  accounts?: AccountsAdmin;
  /** `tessera admin idp ldap …` under `/minio/admin/` (docs/ldap.md); absent, NotImplemented. */
  ldap?: LdapAdmin;
  /** MinIO's admin calls under `/minio/admin/v3|v4/` (docs/minio-compat.md); absent, NotImplemented. */
  minio?: MinioAdminApi;
  /** `tessera/audit` under `/minio/admin/v3/` (docs/console.md): the file target's path; absent, NotImplemented. */
  audit?: { file: string | undefined };
  /** The health and metrics front doors (composed by cli); absent, they answer NotImplemented. */
  apis?: Pick<ApiTable, 'health' | 'metrics'>;
  log: (message: string, err?: unknown) => void;
  now?: () => number;
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  let u = url;
  if (!u.startsWith('/')) {
    // absolute-form request target: http://host/path?query
    const m = /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(u);
    u = m?.[1] ?? '/';
  }
  const q = u.indexOf('?');
  return q < 0 ? { rawPath: u, rawQuery: '' } : { rawPath: u.slice(0, q), rawQuery: u.slice(q + 1) };
}

const NOTHING = () => {};

/** Where the last request on a keep-alive connection ended (socket.bytesRead), for bytesIn. */
const readUpTo = new WeakMap<object, number>();

/**
 * The request pipeline, step by step: request id → pick the API (S3, Query, MinIO admin, health,
 * metrics) → authenticate (when the API asks) → the API serves (route, scope, authorize, handle)
 * → write the answer, or render the error in the API's format → one request event.
 */
export function createPipeline(opts: PipelineOptions) {
  const now = opts.now ?? Date.now;
  const context = (x: Exchange, verified: Verified) =>
    requestContext(x.req, verified, x.time, opts.trustedProxies);
  const apis = {
    s3: createS3Api({
      deps: opts.deps,
      authorizer: opts.authorizer,
      domains: opts.domains,
      context,
      lookup: opts.lookup,
    }),
    query: createQueryApi({
      ...(opts.iamApi ? { iamApi: opts.iamApi } : {}),
      ...(opts.stsApi ? { stsApi: opts.stsApi } : {}),
      region: opts.deps.region,
      context,
    }),
    admin: createAdminApi({
      ...(opts.scan === undefined ? {} : { scan: opts.scan }),
      ...(opts.accounts === undefined ? {} : { accounts: opts.accounts }),
      ...(opts.ldap === undefined ? {} : { ldap: opts.ldap }),
      ...(opts.minio === undefined ? {} : { minio: opts.minio }),
      ...(opts.audit === undefined ? {} : { audit: opts.audit }),
      ...(opts.deps.sse === undefined ? {} : { kms: opts.deps.sse.kms }),
      authorizer: opts.authorizer,
      lookup: opts.lookup,
      domains: opts.domains,
      region: opts.deps.region,
      context,
    }),
    preflight: createPreflightApi({ deps: opts.deps, domains: opts.domains }),
    ...opts.apis,
  };
  const auth = { lookup: opts.lookup, domains: opts.domains };
  // CORS headers of actual S3 requests with an Origin (docs/cors.md); others skip it.
  const cors = (x: Exchange, trace: Trace) => addCorsHeaders(x, trace, opts.deps, opts.domains, opts.log);

  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue = false,
  ): Promise<void> {
    const started = performance.now();
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    let continued = !expectContinue;
    const x: Exchange = {
      req,
      res,
      requestId: newRequestId(),
      rawPath,
      rawQuery,
      query: new ParsedQuery(rawQuery),
      time: now(),
      letBodyIn: expectContinue
        ? () => {
            if (continued) return;
            continued = true;
            res.writeContinue();
          }
        : NOTHING,
    };
    res.setHeader('x-amz-request-id', x.requestId);
    res.setHeader('server', 'Tessera');
    const api = pickApi(req, rawPath, rawQuery, opts.domains, apis);
    const trace: Trace = { api: api.name };
    // The head's time (timeToFirstByte) only when full events are built.
    const mark = opts.events === undefined ? undefined : trace;
    // From where the previous request on this connection ended: a small request's head and body
    // are already read when it starts.
    const bytesRead0 = readUpTo.get(req.socket) ?? 0;
    if (opts.events !== undefined || opts.counters !== undefined)
      res.on('close', () => emit(opts, trace, x, res, started, bytesRead0));
    try {
      const authenticated =
        api.auth === 'none' ? undefined : await authenticateStep(x, auth, (r) => (trace.auth = r));
      const response = await api.serve(x, authenticated, trace);
      if (req.headers.origin !== undefined && api === apis.s3) await cors(x, trace);
      await writeResponse(req, res, response, mark);
    } catch (e) {
      if (req.headers.origin !== undefined && api === apis.s3) await cors(x, trace);
      renderError(opts, api, x, trace, e, mark);
    }
  };
}

function renderError(
  opts: PipelineOptions,
  api: Api,
  x: Exchange,
  trace: Trace,
  e: unknown,
  mark: HeadMark | undefined,
): void {
  const { req, res } = x;
  if (e instanceof AccessDeniedError) {
    trace.authz = {
      decision: 'deny',
      reason: e.decision.reason,
      statements: e.decision.statements,
      actions: [e.check.action],
      resources: [e.check.resource],
    };
  }
  const err: TesseraError = toTesseraError(e, (message, cause) =>
    opts.log(`${message} (request ${x.requestId})`, cause),
  );
  trace.errorCode = err.code;
  if (err.code === 'AccessDenied' && trace.authz === undefined && trace.auth?.error === undefined) {
    trace.authz = { decision: 'deny', reason: 'denied' };
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  // The unread rest of a rejected upload is not worth reading: close the connection after the answer.
  if (!req.complete) {
    res.setHeader('connection', 'close');
    lingerOnClose(req.socket);
  }
  if (req.method === 'HEAD' || err.status === 304) {
    markHead(mark);
    res.end();
    return;
  }
  const wire = api.renderError(err, x);
  res.setHeader('content-type', wire.contentType);
  res.setHeader('content-length', Buffer.byteLength(wire.body));
  markHead(mark);
  res.end(wire.body);
}

function emit(
  opts: PipelineOptions,
  trace: Trace,
  x: Exchange,
  res: ServerResponse,
  started: number,
  bytesRead0: number,
): void {
  const socket = x.req.socket;
  const bytesIn = socket ? socket.bytesRead - bytesRead0 : 0;
  if (socket) readUpTo.set(socket, socket.bytesRead);
  const facts = { started, bytesIn, deploymentId: opts.deploymentId };
  try {
    opts.counters?.summarize(buildSummary(trace, res, facts));
  } catch (e) {
    opts.log('request metrics failed', e);
  }
  const sink = opts.events;
  if (sink === undefined) return;
  try {
    const done = sink.write(buildEvent(trace, x, res, facts));
    if (done instanceof Promise) done.catch((e: unknown) => opts.log('request event sink failed', e));
  } catch (e) {
    opts.log('request event sink failed', e);
  }
}
