import { STATUS_CODES } from 'node:http';
import { type Fields, fieldOf, fieldsRecord } from './field-list.js';
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

/** A digest of a document (a policy) instead of its text: SHA-256 (hex) of its UTF-8 bytes, and its size. */
export interface DocumentDigest {
  readonly sha256: string;
  readonly size: number;
}

/**
 * What an administrative call changed (docs/audit.md `change`): the action, the entity it
 * changed, safe parameters, summaries before and after, or the credentials an STS call issued
 * (ids and times only). Filled by the IAM and STS APIs; never holds a secret, and the entry's
 * redaction runs over it all the same.
 */
export interface ChangeFact {
  readonly action: string;
  readonly target: { readonly type: string; readonly name?: string; readonly arn?: string };
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
  readonly issued?: Readonly<Record<string, unknown>>;
}

/**
 * What the audit trail reads from a request: the http layer's RequestEvent (request-event.ts)
 * has this shape. Defined here because audit (rank 1) imports nothing but core.
 */
export interface AuditEvent {
  readonly time: string;
  readonly deploymentId?: string;
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
    readonly query: Fields;
    readonly headers: Fields;
  };
  readonly response: { readonly headers: Fields };
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
  readonly change?: ChangeFact;
  /** Damaged stored bytes the request met (docs/operations.md "Damaged data"). */
  readonly damage?: readonly DamageFact[];
  readonly timings: { readonly totalMs: number; readonly authMs?: number; readonly firstByteMs?: number };
  /** MinIO's trigger: absent for requests (`incoming`); `internal` for what the server did on its own (the LDAP sync). */
  readonly trigger?: 'internal';
}

export type AuthOutcome = 'success' | 'failure' | 'anonymous';

export interface AuditEntry {
  version: '1';
  deploymentid?: string;
  time: string;
  /** The node (host and process) that served the request and wrote the entry. */
  node: string;
  trigger: 'incoming' | 'internal';
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
    timeToFirstByteInNS?: string;
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
  /** Administrative calls (IAM API, STS issuance): what changed. */
  change?: ChangeFact;
  /** A read that met damaged stored bytes: which blob, and what was wrong. */
  damage?: DamageFact[];
}

/** One damaged blob a request met: `missing`, `short`, `long` or `checksum`, and the detail. */
export interface DamageFact {
  readonly kind: string;
  readonly blobId: string;
  readonly detail: string;
}

export interface EntryContext {
  node: string;
  deploymentId?: string;
}

/** Milliseconds as a Go duration string ("1.5ms", "2.1s"). */
export function goDuration(ms: number): string {
  // Integer arithmetic (cheaper than toFixed and a parse): seconds to the µs, ms to the ns, µs
  // to the ns, trailing zeros dropped.
  if (!(ms >= 0) || ms >= 1e12) return `${+(ms / 1000).toFixed(6)}s`; // not a timing: as it is
  if (ms >= 1000) return `${decimal(Math.round(ms * 1000), 1e6)}s`;
  const ns = Math.round(ms * 1e6);
  if (ns >= 1e6) return `${decimal(ns, 1e6)}ms`;
  return `${decimal(ns, 1e3)}µs`;
}

/** `n / unit` in decimal (unit a power of ten), without trailing zeros. */
function decimal(n: number, unit: number): string {
  const whole = Math.floor(n / unit);
  let frac = n - whole * unit;
  if (frac === 0) return `${whole}`;
  let digits = unit === 1e6 ? 6 : 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${whole}.${`${frac}`.padStart(digits, '0')}`;
}

/** For a `clock-skew` failure: the request's signed time minus the entry's time, in ms. */
export function skewOf(e: AuditEvent): number | undefined {
  const d = fieldOf(e.request.headers, 'x-amz-date') ?? fieldOf(e.request.query, 'X-Amz-Date');
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

// The mapping below assigns field by field (no spreads of conditional objects): it runs once per
// request in the targets' drains, and field order is the order of the JSON line.

function authOf(e: AuditEvent): AuditEntry['auth'] {
  const a = e.auth;
  const failed = a.error !== undefined;
  const type = a.principalType ?? 'anonymous';
  const out = {} as AuditEntry['auth'];
  if (a.kind !== undefined) out.kind = a.kind;
  if (a.accessKey !== undefined) out.accessKey = a.accessKey;
  if (a.parentUser !== undefined) out.parentUser = a.parentUser;
  out.principalType = failed ? 'unknown' : type;
  if (a.principalArn !== undefined) out.principalArn = a.principalArn;
  if (a.account !== undefined) out.account = a.account;
  if (a.groups !== undefined) out.groups = a.groups as string[];
  if (a.sessionId !== undefined) out.sessionId = a.sessionId;
  if (a.identitySource !== undefined) out.identitySource = a.identitySource;
  out.outcome = failed ? 'failure' : type === 'anonymous' ? 'anonymous' : 'success';
  if (failed) {
    out.failureReason = a.failure ?? a.error!;
    if (out.failureReason === 'clock-skew') {
      const ms = skewOf(e);
      if (ms !== undefined) out.skewMs = ms;
    }
  }
  return out;
}

function authzOf(e: AuditEvent, anonymous: boolean): AuditEntry['authz'] {
  const z = e.authz;
  const reason = z.decision === 'deny' && anonymous ? 'anonymous-denied' : z.reason;
  const out: AuditEntry['authz'] = { decision: z.decision };
  if (reason !== undefined) out.reason = reason;
  if (z.actions !== undefined) out.actions = z.actions as string[];
  if (z.resources !== undefined) out.resources = z.resources as string[];
  if (z.statements !== undefined) {
    out.statements = z.statements.map((s) => {
      const f: StatementFact =
        s.sid === undefined
          ? { policy: s.policy, index: s.index, effect: s.effect }
          : { policy: s.policy, index: s.index, sid: s.sid, effect: s.effect };
      return f;
    });
  }
  return out;
}

/** The audit entry of a request event: mapped, then redacted (redact.ts) as every entry is. */
export function toAuditEntry(e: AuditEvent, ctx: EntryContext): AuditEntry {
  const auth = authOf(e);
  const t = e.timings;
  const deploymentid = ctx.deploymentId ?? e.deploymentId;
  const api = { name: e.api } as AuditEntry['api'];
  if (e.bucket !== undefined) api.bucket = e.bucket;
  if (e.key !== undefined) api.object = e.key;
  if (e.versionId !== undefined) api.versionId = e.versionId;
  api.status = STATUS_CODES[e.status] ?? String(e.status);
  api.statusCode = e.status;
  if (e.errorCode !== undefined) api.errorCode = e.errorCode;
  api.rx = e.bytesIn;
  api.tx = e.bytesOut;
  if (t.firstByteMs !== undefined) {
    api.timeToFirstByte = goDuration(t.firstByteMs);
    api.timeToFirstByteInNS = String(Math.round(t.firstByteMs * 1e6));
  }
  api.timeToResponse = goDuration(t.totalMs);
  api.timeToResponseInNS = String(Math.round(t.totalMs * 1e6));
  const entry = { version: '1' } as AuditEntry;
  if (deploymentid !== undefined) entry.deploymentid = deploymentid;
  entry.time = e.time;
  entry.node = ctx.node;
  entry.trigger = e.trigger ?? 'incoming';
  entry.api = api;
  if (e.remoteAddress !== undefined) entry.remotehost = e.remoteAddress;
  entry.requestID = e.requestId;
  if (e.userAgent !== undefined) entry.userAgent = e.userAgent;
  entry.requestMethod = e.request.method;
  if (e.request.host !== undefined) entry.requestHost = e.request.host;
  entry.requestPath = e.request.path;
  // Not copied here: redact() below builds new objects and arrays throughout.
  entry.requestQuery = fieldsRecord(e.request.query) as Record<string, string>;
  entry.requestHeader = fieldsRecord(e.request.headers) as Record<string, string>;
  entry.responseHeader = fieldsRecord(e.response.headers) as Record<string, string>;
  if (auth.accessKey !== undefined) entry.accessKey = auth.accessKey;
  if (auth.parentUser !== undefined) entry.parentUser = auth.parentUser;
  if (e.errorCode !== undefined) entry.error = e.errorCode;
  entry.auth = auth;
  entry.authz = authzOf(e, auth.outcome === 'anonymous');
  if (e.change !== undefined) entry.change = e.change;
  // Not copied here either: redact() copies.
  if (e.damage !== undefined) entry.damage = e.damage as DamageFact[];
  return redact(entry);
}
