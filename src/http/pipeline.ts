import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { IamApi } from '../admin/index.js';
import {
  type AuthRequest,
  authenticate,
  type CredentialLookup,
  checkScope,
  needsBody,
  type ScopeRule,
  type VerifiedRequest,
} from '../auth/index.js';
import { ANONYMOUS, isTesseraError, newRequestId, type Principal, TesseraError } from '../core/index.js';
import {
  type Operation,
  routeRequest,
  type S3Deps,
  type S3Handler,
  type S3Request,
  type S3Response,
  s3Handlers,
} from '../s3/index.js';
import type { AccessOutcome, AccessRequest } from './access-control.js';
import { MAX_FORM_BODY, queryApiParams } from './query-api-params.js';
import { renderS3Error, toTesseraError } from './render-error.js';
import { renderIamError } from './render-iam-error.js';
import { decodeBody, readSmallBody } from './request-body.js';
import { requestContext, type TrustedProxies } from './request-context.js';
import type { EventSink, RequestEvent } from './request-event.js';
import { isQueryApi, queryApiScopeRule, s3ScopeRule } from './scope-rule.js';

/** Decides whether an authenticated principal may perform an operation; throws AccessDenied. */
export type Authorizer = (req: AccessRequest) => Promise<AccessOutcome>;

const EMPTY_QUERY = new URLSearchParams();

export interface PipelineOptions {
  deps: S3Deps;
  lookup: CredentialLookup;
  authorize: Authorizer;
  /** The AWS IAM Query API (POST / signed for service iam). */
  iamApi?: IamApi;
  trustedProxies: TrustedProxies;
  /** Domains for virtual-host-style requests (bucket.domain). */
  domains: readonly string[];
  onEvent?: EventSink;
  log: (message: string, err?: unknown) => void;
  now?: () => number;
}

/** Per-request state the steps fill in, read at the end for the request event. */
interface RequestState {
  requestId: string;
  started: number;
  rawPath: string;
  rawQuery: string;
  verified?: VerifiedRequest;
  op?: Operation;
  query: URLSearchParams;
  /** Errors of the IAM/STS Query API (POST /, GET / signed for iam or sts) are rendered in their XML shape. */
  queryApi: boolean;
  /** Answers `Expect: 100-continue` (once) when the body is about to be read; a no-op otherwise. */
  letBodyIn: () => void;
  /** A body authentication had to read in full (signed IAM/STS forms). */
  body?: Buffer;
  reason?: string;
  authMs?: number;
  authError?: string;
  decision: 'allow' | 'deny' | 'none';
  errorCode?: string;
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

/**
 * The request pipeline, step by step: request id → authenticate → route → authorize → handle
 * → write (or render the error) → one request event.
 */
export function createPipeline(opts: PipelineOptions) {
  const handlers: Record<string, S3Handler> = s3Handlers();
  const now = opts.now ?? Date.now;

  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue = false,
  ): Promise<void> {
    const state: RequestState = {
      requestId: newRequestId(),
      started: performance.now(),
      ...splitUrl(req.url ?? '/'),
      decision: 'none',
      queryApi: false,
      query: EMPTY_QUERY,
      letBodyIn: () => {},
    };
    if (expectContinue) {
      state.letBodyIn = () => {
        state.letBodyIn = () => {};
        res.writeContinue();
      };
    }
    state.queryApi = req.method === 'POST' && state.rawPath === '/';
    state.query = new URLSearchParams(state.rawQuery);
    res.setHeader('x-amz-request-id', state.requestId);
    res.setHeader('server', 'Tessera');
    const bytesReadAtStart = req.socket.bytesRead;
    res.on('close', () => emitEvent(opts, state, req, res, bytesReadAtStart));
    try {
      const time = now();
      const verified = await authenticateStep(opts, req, state, time);
      const op = routeStep(opts, req, state);
      // Built only when a policy will be evaluated (root never is).
      const context = () => requestContext(req, verified, time, opts.trustedProxies);
      if (isQueryApi(op, verified)) {
        state.queryApi = true;
        await writeResponse(req, res, await queryApiStep(opts, req, state, verified, context));
        return;
      }
      scopeStep(state, verified, s3ScopeRule(op, opts.deps.region));
      const outcome = await authorizeStep(opts, req, state, verified, op, context);
      state.letBodyIn();
      const s3req = s3RequestOf(req, state, verified, op, time);
      s3req.access = outcome.access;
      const response = await handlers[op.name]!(opts.deps, s3req).catch((e: unknown) =>
        hideMissingKey(e, s3req),
      );
      await writeResponse(req, res, response);
    } catch (e) {
      renderError(opts, req, res, state, e);
    }
  };
}

async function authenticateStep(
  opts: PipelineOptions,
  req: IncomingMessage,
  state: RequestState,
  time: number,
): Promise<VerifiedRequest> {
  const t0 = performance.now();
  try {
    // headersDistinct keeps repeated headers apart, as the canonical request needs them.
    const authReq: AuthRequest = {
      method: req.method ?? 'GET',
      rawPath: state.rawPath,
      rawQuery: state.rawQuery,
      headers: req.headersDistinct,
    };
    if (needsBody(authReq)) {
      state.letBodyIn();
      state.body = await readSmallBody(req, MAX_FORM_BODY);
      authReq.body = state.body;
    }
    state.verified = await authenticate(authReq, { now: time, lookup: opts.lookup, domains: opts.domains });
    return state.verified;
  } catch (e) {
    state.authError = (e as TesseraError).code ?? 'InternalError';
    throw e;
  } finally {
    state.authMs = performance.now() - t0;
  }
}

/**
 * A signature is valid only for the service and region it was derived for: the credential scope
 * must name what this endpoint serves (checked once the operation is known; an auth failure).
 */
function scopeStep(state: RequestState, verified: VerifiedRequest, rule: ScopeRule): void {
  try {
    checkScope(verified, rule);
  } catch (e) {
    state.authError = (e as TesseraError).code ?? 'InternalError';
    throw e;
  }
}

function routeStep(opts: PipelineOptions, req: IncomingMessage, state: RequestState): Operation {
  state.op = routeRequest(
    {
      method: req.method ?? 'GET',
      rawPath: state.rawPath,
      query: state.query,
      host: req.headers.host,
      copySource: req.headers['x-amz-copy-source'] !== undefined,
    },
    opts.domains,
  );
  return state.op;
}

/**
 * "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403
 * (access denied)" for a key that does not exist: existence is not revealed to such callers.
 */
async function hideMissingKey(e: unknown, req: S3Request): Promise<never> {
  const read = req.op.name === 'GetObject' || req.op.name === 'HeadObject';
  if (read && isTesseraError(e, 'NoSuchKey') && req.access && req.op.bucket !== undefined) {
    if (!(await req.access.bucketAllowed('s3:ListBucket', req.op.bucket)))
      throw new TesseraError('AccessDenied');
  }
  throw e;
}

function principalOf(verified: VerifiedRequest): Principal {
  return (verified.principal as Principal | undefined) ?? ANONYMOUS;
}

async function authorizeStep(
  opts: PipelineOptions,
  req: IncomingMessage,
  state: RequestState,
  verified: VerifiedRequest,
  op: Operation,
  context: () => Record<string, string | string[]>,
): Promise<AccessOutcome> {
  state.decision = 'deny';
  const outcome = await opts.authorize({
    principal: principalOf(verified),
    op,
    headers: req.headers,
    query: state.query,
    context,
  });
  state.decision = 'allow';
  state.reason = outcome.decision ? outcome.decision.reason : 'root';
  return outcome;
}

/**
 * The IAM Query API (STS follows), dispatched on the service the request was signed for; its
 * parameters come only from a signed part of the request (see queryApiParams).
 */
async function queryApiStep(
  opts: PipelineOptions,
  req: IncomingMessage,
  state: RequestState,
  verified: VerifiedRequest,
  context: () => Record<string, string | string[]>,
): Promise<S3Response> {
  if (verified.kind === 'anonymous') throw new TesseraError('AccessDenied');
  const rule = queryApiScopeRule(verified, opts.deps.region);
  if (rule) scopeStep(state, verified, rule);
  if (verified.service !== 'iam' || !opts.iamApi) throw new TesseraError('NotImplemented');
  const params = await queryApiParams(req, state, verified);
  const answer = await opts.iamApi({
    principal: principalOf(verified),
    params,
    requestId: state.requestId,
    context: context(),
  });
  state.decision = 'allow';
  return { status: answer.status, headers: { 'content-type': 'text/xml' }, body: answer.body };
}

function s3RequestOf(
  req: IncomingMessage,
  state: RequestState,
  verified: VerifiedRequest,
  op: Operation,
  time: number,
): S3Request {
  const body = decodeBody(req, verified);
  return {
    op,
    headers: req.headers,
    query: state.query,
    body: body.body,
    contentLength: body.contentLength,
    trailers: body.trailers,
    anonymous: verified.kind === 'anonymous',
    requestId: state.requestId,
    now: time,
  };
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: S3Response): Promise<void> {
  try {
    res.statusCode = response.status;
    for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
    const body = response.body;
    if (body === undefined || req.method === 'HEAD') {
      if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) body.destroy();
      res.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
    } else {
      await streamTo(body, res);
    }
  } finally {
    await response.cleanup?.();
  }
}

/**
 * Streams a body into the response (plain pipe: stream/promises' pipeline costs an
 * AbortController and extra ticks per request). Resolves when the response closes, however.
 */
function streamTo(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    body.once('error', (e) => {
      // Headers are gone: the only honest signal left is a cut connection.
      res.destroy(e);
    });
    res.once('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

function renderError(
  opts: PipelineOptions,
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  e: unknown,
): void {
  const err = toTesseraError(e, (message, cause) =>
    opts.log(`${message} (request ${state.requestId})`, cause),
  );
  state.errorCode = err.code;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const resource = safeDecode(state.rawPath);
  res.statusCode = err.status;
  // The unread rest of a rejected upload is not worth reading: close the connection after the answer.
  if (!req.complete) res.setHeader('connection', 'close');
  if (req.method === 'HEAD' || err.status === 304) {
    res.end();
    return;
  }
  const xml = state.queryApi
    ? renderIamError(err, state.requestId)
    : renderS3Error(err, resource, state.requestId);
  res.setHeader('content-type', state.queryApi ? 'text/xml' : 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.end(xml);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function emitEvent(
  opts: PipelineOptions,
  state: RequestState,
  req: IncomingMessage,
  res: ServerResponse,
  bytesRead0: number,
): void {
  if (!opts.onEvent) return;
  const event: RequestEvent = {
    version: 1,
    time: new Date().toISOString(),
    requestId: state.requestId,
    api: state.op?.name ?? 'Unknown',
    auth: {},
    authz: { decision: state.decision, ...(state.reason !== undefined ? { reason: state.reason } : {}) },
    status: res.statusCode,
    bytesIn: req.socket ? req.socket.bytesRead - bytesRead0 : 0,
    bytesOut: Number(res.getHeader('content-length') ?? 0),
    timings: { totalMs: performance.now() - state.started },
  };
  if (state.authMs !== undefined) event.timings.authMs = state.authMs;
  if (state.op?.bucket !== undefined) event.bucket = state.op.bucket;
  if (state.op?.key !== undefined) event.key = state.op.key;
  if (req.socket?.remoteAddress) event.remoteAddress = req.socket.remoteAddress;
  if (req.headers['user-agent']) event.userAgent = req.headers['user-agent'];
  if (state.verified) {
    event.auth.kind = state.verified.kind;
    if (state.verified.accessKey !== undefined) event.auth.accessKey = state.verified.accessKey;
    const p = state.verified.principal as Principal | undefined;
    event.auth.principalType = p?.type ?? 'anonymous';
  }
  if (state.authError !== undefined) event.auth.error = state.authError;
  if (state.errorCode !== undefined) event.errorCode = state.errorCode;
  opts.onEvent(event);
}
