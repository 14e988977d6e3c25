import { STATUS_CODES } from 'node:http';
import { redact } from './redact.js';

/**
 * The audit entry, schema v1 (docs/audit.md lists every field). Field names follow MinIO's audit
 * entry where one exists (version, deploymentid, time, trigger, api, remotehost, requestID,
 * userAgent, requestPath, requestHost, requestQuery, requestHeader, responseHeader, accessKey,
 * parentUser), so MinIO log pipelines keep working; `auth` and `authz` are Tessera's.
 */

/** A deciding statement: the policy (name or ARN), its index, Sid and effect. */
export interface StatementFact {
  readonly policy: string;
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
}

/**
 * What the audit trail reads from a request: the http layer's RequestEvent (request-event.ts)
 * has this shape. Defined here because audit (rank 1) imports nothing but core.
 */
export interface AuditEvent {
  readonly time: string;
  readonly requestId: string;
  readonly api: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly remoteAddress?: string;
  readonly userAgent?: string;
  readonly request: {
    readonly method: string;
    readonly host?: string;
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly headers: Readonly<Record<string, string>>;
  };
  readonly response: { readonly headers: Readonly<Record<string, string>> };
  readonly auth: {
    readonly kind?: string;
    readonly accessKey?: string;
    readonly error?: string;
    readonly failure?: string;
    readonly principalType?: string;
    readonly principalArn?: string;
    readonly account?: string;
    readonly parentUser?: string;
    readonly groups?: readonly string[];
    readonly sessionId?: string;
    readonly identitySource?: string;
  };
  readonly authz: {
    readonly decision: 'allow' | 'deny' | 'none';
    readonly reason?: string;
    readonly statements?: readonly StatementFact[];
    readonly actions?: readonly string[];
    readonly resources?: readonly string[];
  };
  readonly status: number;
  readonly errorCode?: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly timings: { readonly totalMs: number; readonly authMs?: number; readonly firstByteMs?: number };
}

export type AuthOutcome = 'success' | 'failure' | 'anonymous';

export interface AuditEntry {
  version: '1';
  deploymentid?: string;
  time: string;
  /** The node (host and process) that served the request and wrote the entry. */
  node: string;
  trigger: 'incoming';
  api: {
    name: string;
    bucket?: string;
    object?: string;
    versionId?: string;
    /** The HTTP status text ("OK", "Forbidden"), as MinIO writes it. */
    status: string;
    statusCode: number;
    errorCode?: string;
    rx: number;
    tx: number;
    /** Go duration strings, as MinIO writes them ("1.234ms"), and the same in nanoseconds. */
    timeToFirstByte?: string;
    timeToResponse: string;
    timeToResponseInNS: string;
  };
  remotehost?: string;
  requestID: string;
  userAgent?: string;
  requestMethod: string;
  requestHost?: string;
  requestPath: string;
  requestQuery: Record<string, string>;
  requestHeader: Record<string, string>;
  responseHeader: Record<string, string>;
  accessKey?: string;
  parentUser?: string;
  error?: string;
  auth: {
    kind?: string;
    accessKey?: string;
    parentUser?: string;
    principalType: string;
    principalArn?: string;
    account?: string;
    groups?: string[];
    sessionId?: string;
    identitySource?: string;
    outcome: AuthOutcome;
    failureReason?: string;
    /** For `clock-skew`: request time minus server time, in milliseconds. */
    skewMs?: number;
  };
  authz: {
    decision: 'allow' | 'deny' | 'none';
    /** allowed | explicitDeny | implicitDeny | root | anonymous-denied | denied */
    reason?: string;
    actions?: string[];
    resources?: string[];
    statements?: StatementFact[];
  };
}

export interface EntryContext {
  node: string;
  deploymentId?: string;
}

/** Milliseconds as a Go duration string ("1.5ms", "2.1s"). */
export function goDuration(ms: number): string {
  if (ms >= 1000) return `${+(ms / 1000).toFixed(6)}s`;
  if (ms >= 1) return `${+ms.toFixed(6)}ms`;
  return `${+(ms * 1000).toFixed(3)}µs`;
}

function skew(e: AuditEvent): number | undefined {
  const d = e.request.headers['x-amz-date'] ?? e.request.query['X-Amz-Date'];
  if (d === undefined || !/^\d{8}T\d{6}Z$/.test(d)) return undefined;
  const at = Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
  return at - Date.parse(e.time);
}

function authOf(e: AuditEvent): AuditEntry['auth'] {
  const a = e.auth;
  const failed = a.error !== undefined;
  const out: AuditEntry['auth'] = {
    ...(a.kind === undefined ? {} : { kind: a.kind }),
    ...(a.accessKey === undefined ? {} : { accessKey: a.accessKey }),
    ...(a.parentUser === undefined ? {} : { parentUser: a.parentUser }),
    principalType: failed ? 'unknown' : (a.principalType ?? 'anonymous'),
    ...(a.principalArn === undefined ? {} : { principalArn: a.principalArn }),
    ...(a.account === undefined ? {} : { account: a.account }),
    ...(a.groups === undefined ? {} : { groups: [...a.groups] }),
    ...(a.sessionId === undefined ? {} : { sessionId: a.sessionId }),
    ...(a.identitySource === undefined ? {} : { identitySource: a.identitySource }),
    outcome: failed ? 'failure' : (a.principalType ?? 'anonymous') === 'anonymous' ? 'anonymous' : 'success',
  };
  if (failed) {
    out.failureReason = a.failure ?? a.error!;
    if (out.failureReason === 'clock-skew') {
      const ms = skew(e);
      if (ms !== undefined) out.skewMs = ms;
    }
  }
  return out;
}

function authzOf(e: AuditEvent, anonymous: boolean): AuditEntry['authz'] {
  const z = e.authz;
  const reason = z.decision === 'deny' && anonymous ? 'anonymous-denied' : z.reason;
  return {
    decision: z.decision,
    ...(reason === undefined ? {} : { reason }),
    ...(z.actions === undefined ? {} : { actions: [...z.actions] }),
    ...(z.resources === undefined ? {} : { resources: [...z.resources] }),
    ...(z.statements === undefined
      ? {}
      : {
          statements: z.statements.map((s) => ({
            policy: s.policy,
            index: s.index,
            ...(s.sid === undefined ? {} : { sid: s.sid }),
            effect: s.effect,
          })),
        }),
  };
}

/** The audit entry of a request event: mapped, then redacted (redact.ts) as every entry is. */
export function toAuditEntry(e: AuditEvent, ctx: EntryContext): AuditEntry {
  const auth = authOf(e);
  const t = e.timings;
  const entry: AuditEntry = {
    version: '1',
    ...(ctx.deploymentId === undefined ? {} : { deploymentid: ctx.deploymentId }),
    time: e.time,
    node: ctx.node,
    trigger: 'incoming',
    api: {
      name: e.api,
      ...(e.bucket === undefined ? {} : { bucket: e.bucket }),
      ...(e.key === undefined ? {} : { object: e.key }),
      ...(e.versionId === undefined ? {} : { versionId: e.versionId }),
      status: STATUS_CODES[e.status] ?? String(e.status),
      statusCode: e.status,
      ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
      rx: e.bytesIn,
      tx: e.bytesOut,
      ...(t.firstByteMs === undefined ? {} : { timeToFirstByte: goDuration(t.firstByteMs) }),
      timeToResponse: goDuration(t.totalMs),
      timeToResponseInNS: String(Math.round(t.totalMs * 1e6)),
    },
    ...(e.remoteAddress === undefined ? {} : { remotehost: e.remoteAddress }),
    requestID: e.requestId,
    ...(e.userAgent === undefined ? {} : { userAgent: e.userAgent }),
    requestMethod: e.request.method,
    ...(e.request.host === undefined ? {} : { requestHost: e.request.host }),
    requestPath: e.request.path,
    requestQuery: { ...e.request.query },
    requestHeader: { ...e.request.headers },
    responseHeader: { ...e.response.headers },
    ...(auth.accessKey === undefined ? {} : { accessKey: auth.accessKey }),
    ...(auth.parentUser === undefined ? {} : { parentUser: auth.parentUser }),
    ...(e.errorCode === undefined ? {} : { error: e.errorCode }),
    auth,
    authz: authzOf(e, auth.outcome === 'anonymous'),
  };
  return redact(entry);
}
