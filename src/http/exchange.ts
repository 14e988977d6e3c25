import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeFact } from '../audit/index.js';
import type { VerifiedRequest } from '../auth/index.js';
import type { Principal } from '../core/index.js';
import type { StatementRef } from '../policy/index.js';
import type { DamageReport } from '../s3/index.js';

/** One request and its response as every API sees them: the request line split once, the request id, the time. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** The path exactly as on the request line (still percent-encoded), without the query. */
  readonly rawPath: string;
  /** The query string exactly as received, without '?'. */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  /** When the request started (epoch ms), for signatures and condition keys. */
  readonly time: number;
  /** Answers `Expect: 100-continue` (once) when the body is about to be read; a no-op otherwise. */
  letBodyIn(): void;
}

/** A request that authenticated, with the principal it acts as (undefined: anonymous). */
export type Verified = VerifiedRequest<Principal>;

/** The request's global condition keys (aws:SourceIp, aws:CurrentTime, s3:signatureAge, …). */
export type RequestContextSource = (x: Exchange, verified: Verified) => Record<string, string | string[]>;

/** How the request proved who sent it, or why it failed to. */
export interface AuthResult {
  readonly verified?: Verified;
  /** The error code of a failed authentication (or a wrong credential scope). */
  readonly error?: string;
  /** The failed authentication's message (a fixed text), to tell AccessDenied's reasons apart. */
  readonly message?: string;
  readonly ms: number;
}

/** What authorization decided, and why. */
export interface AuthzResult {
  readonly decision: 'allow' | 'deny';
  /** `allowed`, `explicitDeny`, `implicitDeny`, or `root` (never evaluated). */
  readonly reason: string;
  /** The statements that decided it (policy label, index, Sid, effect). */
  readonly statements?: readonly StatementRef[];
  /** The actions and resources checked (the denied check's, or every allowed one's). */
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
}

/**
 * What the steps of a request returned, for its request event: each step's result is recorded
 * here as it returns (authentication, the operation, the decision, the error), and the event is
 * built from it once the response closes (request-event.ts).
 */
export interface Trace {
  api: string;
  operation?: string;
  bucket?: string;
  key?: string;
  auth?: AuthResult;
  authz?: AuthzResult;
  errorCode?: string;
  /**
   * A failed identity proof of an unsigned STS call (an LDAP login, a web identity token), for
   * the audit entry's `auth`: why (the error's audit-only reason), which kind of identity, and
   * the username it claimed.
   */
  identityFailure?: { reason: string; source: 'ldap' | 'openid' | 'certificate' | 'plugin'; user?: string };
  /** What an administrative call (IAM API, STS issuance) changed, for the audit entry. */
  change?: ChangeFact;
  /** When the response head was written (performance.now()), for timeToFirstByte. */
  headAt?: number;
  /** Damaged stored bytes the request met (docs/operations.md "Damaged data"), for the audit entry. */
  damage?: DamageReport[];
}
