import type { ServerResponse } from 'node:http';
import {
  addPrincipalFacts,
  authFailureReason,
  type ChangeFact,
  claimedAccessKey,
  type Fields,
  type PrincipalFacts,
  selectRawQuery,
  selectRequestHeaders,
  selectResponseHeaders,
} from '../audit/index.js';
import type { AuthKind } from '../auth/index.js';
import type { StatementRef } from '../policy/index.js';
import type { Exchange, Trace } from './exchange.js';

/**
 * The one structured event that ends every request: who, what, outcome, timings. The audit
 * trail builds on it (versioned schema).
 */
export interface RequestEvent {
  version: 1;
  time: string;
  /** The deployment's id (a UUID kept in the data directory), MinIO's `deploymentid`. */
  deploymentId?: string;
  requestId: string;
  /** The S3 operation, the Query API action, or the API's name. */
  api: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  remoteAddress?: string;
  userAgent?: string;
  /** The request line and selected headers, already redacted (audit/redact.ts). */
  request: {
    method: string;
    host?: string;
    path: string;
    query: Fields;
    headers: Fields;
  };
  response: { headers: Fields };
  /** `failure`: why authentication failed (audit/facts.ts); the rest: who the principal is. */
  auth: { kind?: AuthKind; accessKey?: string; error?: string; failure?: string } & Partial<PrincipalFacts>;
  authz: {
    decision: 'allow' | 'deny' | 'none';
    reason?: string;
    statements?: readonly StatementRef[];
    actions?: readonly string[];
    resources?: readonly string[];
  };
  status: number;
  errorCode?: string;
  bytesIn: number;
  bytesOut: number;
  /** What an administrative call changed (IAM API, STS issuance); never a secret. */
  change?: ChangeFact;
  /** Damaged stored bytes the request met: which blob, and what was wrong (docs/operations.md). */
  damage?: { kind: string; blobId: string; detail: string }[];
  /** firstByteMs: until the response head was written. */
  timings: { totalMs: number; authMs?: number; firstByteMs?: number };
}

/**
 * Where request events go, asynchronously (the audit trail's targets implement it). A sink that
 * fails is logged, never the request's problem.
 */
export interface EventSink {
  write(event: RequestEvent): void | Promise<void>;
}

/**
 * The few facts per request that counters need (http/metrics.ts), gathered without the full
 * event's copies, redaction and time formatting: with no audit target and no request log, the
 * pipeline builds only this.
 */
export interface RequestSummary {
  /** The S3 operation, the Query API action, or the API's name. */
  api: string;
  status: number;
  errorCode?: string | undefined;
  bytesIn: number;
  bytesOut: number;
  totalMs: number;
  /** The error code of a failed authentication. */
  authError?: string | undefined;
  authz: { decision: 'allow' | 'deny' | 'none'; reason?: string | undefined };
}

/** Where request summaries go (the metrics), synchronously. */
export interface SummarySink {
  summarize(summary: RequestSummary): void;
}

/** The summary of a full event (for sinks that receive both kinds). */
export function summaryOf(e: RequestEvent): RequestSummary {
  return {
    api: e.api,
    status: e.status,
    errorCode: e.errorCode,
    bytesIn: e.bytesIn,
    bytesOut: e.bytesOut,
    totalMs: e.timings.totalMs,
    authError: e.auth.error,
    authz: e.authz,
  };
}

const NO_DECISION: RequestSummary['authz'] = Object.freeze({ decision: 'none' });

/** The summary straight from the trace, as buildEvent would have it. */
export function buildSummary(trace: Trace, res: ServerResponse, facts: EventFacts): RequestSummary {
  return {
    api: trace.operation ?? trace.api,
    status: res.statusCode,
    errorCode: trace.errorCode,
    bytesIn: facts.bytesIn,
    bytesOut: Number(res.getHeader('content-length') ?? 0),
    totalMs: performance.now() - facts.started,
    authError: trace.auth?.error,
    authz: trace.authz ?? NO_DECISION,
  };
}

/** What the request event needs besides the trace. */
export interface EventFacts {
  readonly started: number;
  readonly bytesIn: number;
  readonly deploymentId?: string | undefined;
}

let lastMs = 0;
let lastIso = new Date(0).toISOString();

/** The time as an ISO string, formatted once per millisecond (many requests end in the same one). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

type VerifiedPrincipal = Parameters<typeof addPrincipalFacts>[1];

let factsKey: [AuthKind, string | undefined, VerifiedPrincipal] | undefined;
let factsOf: RequestEvent['auth'] = Object.freeze({});

/**
 * The auth facts of a verified request, one frozen object per principal, kind and key while
 * they repeat (request after request of one client): the audit entry keeps its text as long as
 * it gets the same object (audit/entry-json.ts).
 */
function verifiedFacts(
  kind: AuthKind,
  accessKey: string | undefined,
  principal: VerifiedPrincipal,
): RequestEvent['auth'] {
  const k = factsKey;
  if (k !== undefined && k[0] === kind && k[1] === accessKey && k[2] === principal) return factsOf;
  const out: RequestEvent['auth'] = { kind };
  if (accessKey !== undefined) out.accessKey = accessKey;
  addPrincipalFacts(out, principal);
  factsKey = [kind, accessKey, principal];
  factsOf = Object.freeze(out);
  return factsOf;
}

/** Builds the request event from the steps' results, once the response has closed. */
export function buildEvent(trace: Trace, x: Exchange, res: ServerResponse, facts: EventFacts): RequestEvent {
  const z = trace.authz;
  let authz: RequestEvent['authz'];
  if (z === undefined) authz = { decision: 'none' };
  else {
    authz = { decision: z.decision, reason: z.reason };
    if (z.statements !== undefined && z.statements.length > 0) authz.statements = z.statements;
    if (z.actions !== undefined) authz.actions = z.actions;
    if (z.resources !== undefined) authz.resources = z.resources;
  }
  const headers = x.req.headers;
  const request: RequestEvent['request'] = {
    method: x.req.method ?? 'GET',
    path: x.rawPath,
    query: selectRawQuery(x.rawQuery, x.query),
    headers: selectRequestHeaders(headers),
  };
  if (headers.host !== undefined) request.host = headers.host;
  const timings: RequestEvent['timings'] = { totalMs: performance.now() - facts.started };
  if (trace.headAt !== undefined) timings.firstByteMs = trace.headAt - facts.started;
  const event: RequestEvent = {
    version: 1,
    time: isoNow(),
    requestId: x.requestId,
    api: trace.operation ?? trace.api,
    auth: {},
    authz,
    request,
    response: { headers: selectResponseHeaders((name) => res.getHeader(name)) },
    status: res.statusCode,
    bytesIn: facts.bytesIn,
    bytesOut: Number(res.getHeader('content-length') ?? 0),
    timings,
  };
  if (facts.deploymentId !== undefined) event.deploymentId = facts.deploymentId;
  const auth = trace.auth;
  if (auth !== undefined) {
    event.timings.authMs = auth.ms;
    const v = auth.verified;
    if (v !== undefined) event.auth = verifiedFacts(v.kind, v.accessKey, v.principal);
    if (auth.error !== undefined) {
      // The shared facts are never changed: a failed request gets its own copy.
      event.auth = { ...event.auth, error: auth.error };
      event.auth.failure = authFailureReason(auth.error, auth.message);
      const claimed = claimedAccessKey(x.req.headers, x.query);
      if (claimed !== undefined) event.auth.accessKey = claimed;
    }
  }
  const versionId = x.query.get('versionId') ?? res.getHeader('x-amz-version-id');
  if (typeof versionId === 'string' && versionId !== '') event.versionId = versionId;
  if (trace.bucket !== undefined) event.bucket = trace.bucket;
  if (trace.key !== undefined) event.key = trace.key;
  if (x.req.socket?.remoteAddress) event.remoteAddress = x.req.socket.remoteAddress;
  if (x.req.headers['user-agent']) event.userAgent = x.req.headers['user-agent'];
  if (trace.errorCode !== undefined) event.errorCode = trace.errorCode;
  const idf = trace.identityFailure;
  if (idf !== undefined) {
    // An authentication attempt that failed: its entry's auth.outcome is `failure`.
    if (Object.isFrozen(event.auth)) event.auth = { ...event.auth };
    event.auth.error ??= trace.errorCode ?? 'AccessDenied';
    event.auth.failure = idf.reason;
    event.auth.identitySource = idf.source;
    if (idf.user !== undefined) event.auth.parentUser = idf.user;
  }
  if (trace.change !== undefined) event.change = trace.change;
  if (trace.damage !== undefined)
    event.damage = trace.damage.map((d) => ({ kind: d.kind, blobId: d.blobId, detail: d.detail }));
  return event;
}
