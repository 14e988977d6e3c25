import type { ServerResponse } from 'node:http';
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
  requestId: string;
  /** The S3 operation, the Query API action, or the API's name. */
  api: string;
  bucket?: string;
  key?: string;
  remoteAddress?: string;
  userAgent?: string;
  auth: { kind?: AuthKind; accessKey?: string; principalType?: string; error?: string };
  authz: { decision: 'allow' | 'deny' | 'none'; reason?: string; statements?: readonly StatementRef[] };
  status: number;
  errorCode?: string;
  bytesIn: number;
  bytesOut: number;
  timings: { totalMs: number; authMs?: number };
}

/**
 * Where request events go, asynchronously (the audit trail's targets implement it). A sink that
 * fails is logged, never the request's problem.
 */
export interface EventSink {
  write(event: RequestEvent): void | Promise<void>;
}

/** What the request event needs besides the trace. */
export interface EventFacts {
  readonly started: number;
  readonly bytesIn: number;
}

/** Builds the request event from the steps' results, once the response has closed. */
export function buildEvent(trace: Trace, x: Exchange, res: ServerResponse, facts: EventFacts): RequestEvent {
  const authz = trace.authz;
  const event: RequestEvent = {
    version: 1,
    time: new Date().toISOString(),
    requestId: x.requestId,
    api: trace.operation ?? trace.api,
    auth: {},
    authz:
      authz === undefined
        ? { decision: 'none' }
        : {
            decision: authz.decision,
            reason: authz.reason,
            ...(authz.statements === undefined || authz.statements.length === 0
              ? {}
              : { statements: authz.statements }),
          },
    status: res.statusCode,
    bytesIn: facts.bytesIn,
    bytesOut: Number(res.getHeader('content-length') ?? 0),
    timings: { totalMs: performance.now() - facts.started },
  };
  const auth = trace.auth;
  if (auth !== undefined) {
    event.timings.authMs = auth.ms;
    const v = auth.verified;
    if (v !== undefined) {
      event.auth.kind = v.kind;
      if (v.accessKey !== undefined) event.auth.accessKey = v.accessKey;
      event.auth.principalType = v.principal?.kind ?? 'anonymous';
    }
    if (auth.error !== undefined) event.auth.error = auth.error;
  }
  if (trace.bucket !== undefined) event.bucket = trace.bucket;
  if (trace.key !== undefined) event.key = trace.key;
  if (x.req.socket?.remoteAddress) event.remoteAddress = x.req.socket.remoteAddress;
  if (x.req.headers['user-agent']) event.userAgent = x.req.headers['user-agent'];
  if (trace.errorCode !== undefined) event.errorCode = trace.errorCode;
  return event;
}
