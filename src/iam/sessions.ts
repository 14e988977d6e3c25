import {
  type FederatedIdentity,
  type SessionParent,
  type SessionPrincipal,
  TesseraError,
  unhandled,
} from '../core/index.js';
import type { IamCredential } from './cache.js';

/** What a session token says, once the STS codec has opened and checked it. */
export interface SessionClaims {
  readonly sessionId: string;
  /** The temporary access key id the token belongs to. */
  readonly accessKey: string;
  /**
   * Whose session it is: the access key of the long-term identity that asked for it (root's, a
   * user's, a service account's: resolved afresh on every request), or the federated identity
   * a provider vouched for (carried whole in the token). Exactly one is set.
   */
  readonly parentAccessKey?: string;
  readonly federated?: FederatedIdentity;
  /** or the role it was assumed into (resolved afresh on every request; `id` must still match). */
  readonly role?: SessionRoleClaim;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly sessionPolicies?: readonly string[];
  readonly sessionName?: string;
  /** Session tags (docs/sts.md "Session tags"): key → value, and the transitive keys among them. */
  readonly sessionTags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
}

/** The role of an assumed-role session, as its token names it. */
export interface SessionRoleClaim {
  readonly account: string;
  readonly name: string;
  /** The RoleId at issuance: a role deleted and created again under the same name is another role. */
  readonly id: string;
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
 * The credential of an opened session whose parent is `parent`: a long-term identity looked up
 * afresh (undefined when disabled or deleted: its sessions stop at once), or the federated
 * identity the token carries.
 */
export function sessionCredential(
  session: OpenedSession,
  parent: SessionParent | undefined,
  token: string,
): IamCredential & { sessionToken: string } {
  if (parent === undefined) {
    throw new TesseraError(
      'InvalidToken',
      'The security token included in the request is invalid: the credentials it was issued for are disabled or deleted.',
    );
  }
  const c = session.claims;
  const identity = identityOf(parent, c.sessionName ?? c.sessionId);
  const principal: SessionPrincipal = Object.freeze({
    kind: 'session',
    account: parent.account,
    accessKey: c.accessKey,
    ...identity,
    ...(c.sessionTags === undefined ? {} : { tags: overTags(identity.tags, c.sessionTags) }),
    parent,
    sessionId: c.sessionId,
    expiresAt: c.expiresAt,
    ...(c.sessionPolicies === undefined ? {} : { sessionPolicies: c.sessionPolicies }),
    ...(c.sessionName === undefined ? {} : { sessionName: c.sessionName }),
    ...(c.sessionTags === undefined ? {} : { sessionTags: c.sessionTags }),
    ...(c.transitiveTagKeys === undefined ? {} : { transitiveTagKeys: c.transitiveTagKeys }),
  });
  return { accessKey: c.accessKey, secretKey: session.secretKey, principal, sessionToken: token };
}

/** Principal tags: `base` (a user's or role's tags) with `session` over them, keys compared without regard to case. */
function overTags(
  base: Readonly<Record<string, string>>,
  session: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const replaced = new Set(Object.keys(session).map((k) => k.toLowerCase()));
  const kept = Object.entries(base).filter(([k]) => !replaced.has(k.toLowerCase()));
  return Object.freeze(Object.fromEntries([...kept, ...Object.entries(session)]));
}

/** The identity fields a session shows: its parent's; for a role, the assumed-role session's. */
function identityOf(
  parent: SessionParent,
  sessionName: string,
): Pick<SessionPrincipal, 'arn' | 'userId' | 'name' | 'groups' | 'tags'> {
  const none = Object.freeze([]);
  switch (parent.kind) {
    case 'role':
      return {
        arn: `${parent.assumedRoleArn}/${sessionName}`,
        userId: `${parent.roleId}:${sessionName}`,
        name: parent.name,
        groups: none,
        tags: parent.tags,
      };
    case 'federated':
      return { arn: parent.arn, userId: parent.userId, name: parent.name, groups: parent.groups, tags: {} };
    case 'root':
      return { arn: parent.arn, userId: parent.userId, name: parent.name, groups: none, tags: {} };
    case 'user':
    case 'serviceAccount':
      return {
        arn: parent.arn,
        userId: parent.userId,
        name: parent.name,
        groups: parent.groups,
        tags: parent.tags,
      };
    default:
      return unhandled(parent);
  }
}
