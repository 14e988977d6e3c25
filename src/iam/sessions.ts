import { type SessionParent, type SessionPrincipal, TesseraError, unhandled } from '../core/index.js';
import type { IamCredential } from './cache.js';

/** What a session token says, once the STS codec has opened and checked it. */
export interface SessionClaims {
  readonly sessionId: string;
  /** The temporary access key id the token belongs to. */
  readonly accessKey: string;
  /** The access key of the identity that asked for the session: root's, a user's or a service account's. */
  readonly parentAccessKey: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly sessionPolicies?: readonly string[];
  readonly sessionName?: string;
}

/** An opened session token: its claims and the secret derived for it. */
export interface OpenedSession {
  readonly claims: SessionClaims;
  readonly secretKey: string;
}

/**
 * Opens session tokens (implemented by sts, wired by cli). `open` answers undefined when the
 * token is not one of this deployment's session tokens for `accessKey` (the lookup then treats the
 * key as a long-term one, which refuses a token: InvalidToken); it throws ExpiredToken when the
 * token is genuine and expired.
 */
export interface SessionOpener {
  open(accessKey: string, token: string, now: number): OpenedSession | undefined;
}

/** Whether a principal may hold temporary credentials (not a session itself, not anonymous). */
export function sessionParentOf(p: IamCredential['principal']): SessionParent | undefined {
  switch (p.kind) {
    case 'root':
    case 'user':
    case 'serviceAccount':
      return p;
    case 'session':
    case 'anonymous':
      return undefined;
    default:
      return unhandled(p);
  }
}

/**
 * The credential of an opened session whose parent resolved to `parent` (looked up afresh: a
 * disabled or deleted parent has no credential, and its sessions stop at once).
 */
export function sessionCredential(
  session: OpenedSession,
  parent: IamCredential | undefined,
  token: string,
): IamCredential & { sessionToken: string } {
  const p = parent === undefined ? undefined : sessionParentOf(parent.principal);
  if (p === undefined) {
    throw new TesseraError(
      'InvalidToken',
      'The security token included in the request is invalid: the credentials it was issued for are disabled or deleted.',
    );
  }
  const c = session.claims;
  const principal: SessionPrincipal = Object.freeze({
    kind: 'session',
    account: p.account,
    accessKey: c.accessKey,
    arn: p.arn,
    userId: p.userId,
    name: p.name,
    groups: p.kind === 'root' ? Object.freeze([]) : p.groups,
    tags: p.kind === 'root' ? Object.freeze({}) : p.tags,
    parent: p,
    sessionId: c.sessionId,
    expiresAt: c.expiresAt,
    ...(c.sessionPolicies === undefined ? {} : { sessionPolicies: c.sessionPolicies }),
    ...(c.sessionName === undefined ? {} : { sessionName: c.sessionName }),
  });
  return { accessKey: c.accessKey, secretKey: session.secretKey, principal, sessionToken: token };
}
