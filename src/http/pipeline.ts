import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { authenticate, type CredentialLookup, type VerifiedRequest } from '../auth/index.js';
import { newRequestId, type Principal, type TesseraError } from '../core/index.js';
import {
  type Operation,
  routeRequest,
  type S3Deps,
  type S3Handler,
  type S3Request,
  type S3Response,
  s3Handlers,
} from '../s3/index.js';
import { renderS3Error, toTesseraError } from './render-error.js';
import { decodeBody } from './request-body.js';
import type { EventSink, RequestEvent } from './request-event.js';

/** Decides whether an authenticated principal may perform an operation; throws AccessDenied. */
export type Authorizer = (
  principal: Principal,
  op: Operation,
  verified: VerifiedRequest,
) => Promise<void> | void;

export interface PipelineOptions {
  deps: S3Deps;
  lookup: CredentialLookup;
  authorize: Authorizer;
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
    };
    res.setHeader('x-amz-request-id', state.requestId);
    res.setHeader('server', 'Tessera');
    const bytesReadAtStart = req.socket.bytesRead;
    res.on('close', () => emitEvent(opts, state, req, res, bytesReadAtStart));
    try {
      const verified = await authenticateStep(opts, req, state, now());
      const op = routeStep(opts, req, state, verified);
      await authorizeStep(opts, state, verified, op);
      if (expectContinue) res.writeContinue();
      const response = await handlers[op.name]!(opts.deps, s3RequestOf(req, state, verified, op, now()));
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
    state.verified = await authenticate(
      // headersDistinct keeps repeated headers apart, as the canonical request needs them.
      {
        method: req.method ?? 'GET',
        rawPath: state.rawPath,
        rawQuery: state.rawQuery,
        headers: req.headersDistinct,
      },
      { now: time, lookup: opts.lookup, domains: opts.domains },
    );
    return state.verified;
  } catch (e) {
    state.authError = (e as TesseraError).code ?? 'InternalError';
    throw e;
  } finally {
    state.authMs = performance.now() - t0;
  }
}

function routeStep(
  opts: PipelineOptions,
  req: IncomingMessage,
  state: RequestState,
  verified: VerifiedRequest,
): Operation {
  void verified;
  state.op = routeRequest(
    {
      method: req.method ?? 'GET',
      rawPath: state.rawPath,
      query: new URLSearchParams(state.rawQuery),
      host: req.headers.host,
      copySource: req.headers['x-amz-copy-source'] !== undefined,
    },
    opts.domains,
  );
  return state.op;
}

async function authorizeStep(
  opts: PipelineOptions,
  state: RequestState,
  verified: VerifiedRequest,
  op: Operation,
): Promise<void> {
  state.decision = 'deny';
  await opts.authorize(verified.principal as Principal, op, verified);
  state.decision = 'allow';
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
    query: new URLSearchParams(state.rawQuery),
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
      await streamPipeline(body, res).catch((e: unknown) => {
        // Headers are gone: the only honest signal left is a cut connection.
        res.destroy(e as Error);
      });
    }
  } finally {
    await response.cleanup?.();
  }
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
  const xml = renderS3Error(err, resource, state.requestId);
  res.setHeader('content-type', 'application/xml');
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
    authz: { decision: state.decision },
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
