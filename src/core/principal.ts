/**
 * Who a request acts as, once authenticated: one variant per kind, each with only its own
 * fields. Every kind-dependent branch is a `switch (p.kind)` with a `never` default, so adding a
 * kind (STS sessions, account roots) makes the compiler list every place that must decide.
 */
export type Principal =
  | RootPrincipal
  | UserPrincipal
  | ServiceAccountPrincipal
  | SessionPrincipal
  | AnonymousPrincipal;

/** The kinds, for tables keyed by kind. */
export type PrincipalKind = Principal['kind'];

/** What every identified (non-anonymous) principal has. */
interface Identified {
  /** The owning account (docs/architecture.md); '' is the default account. */
  readonly account: string;
  /** The access key the request was signed with. */
  readonly accessKey: string;
  /** The identity's ARN: the user's (the parent's for service accounts), or the account root's. */
  readonly arn: string;
  /** aws:userid: the user's unique id (the parent's for service accounts); the account id for root. */
  readonly userId: string;
}

/** The account root: allowed everything in its account, never evaluated. */
export interface RootPrincipal extends Identified {
  readonly kind: 'root';
  /** The root access key, which is also its name. */
  readonly name: string;
}

/** What a user gives itself and its service accounts as condition keys. */
interface UserFields {
  /** aws:username: the user (for a user's service account: the parent user). */
  readonly name: string;
  /** aws:groups: the names of the enabled groups the user belongs to. */
  readonly groups: readonly string[];
  /** aws:PrincipalTag/<key>: the user's tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM user signing with its own secret (MinIO-style: access key = user name). */
export interface UserPrincipal extends Identified, UserFields {
  readonly kind: 'user';
}

/** Whose a service account is: the account root's, or a user's. */
export type PrincipalParent = { readonly kind: 'root' } | { readonly kind: 'user'; readonly name: string };

/**
 * A service account (an access key of a user or of root): acts as its parent, narrowed by its
 * embedded policy. A root-owned key's name is the root access key, with no groups or tags.
 */
export interface ServiceAccountPrincipal extends Identified, UserFields {
  readonly kind: 'serviceAccount';
  readonly parent: PrincipalParent;
  /** When the key stops working (epoch ms). */
  readonly expiresAt?: number;
}

/**
 * An identity an external provider vouched for (OpenID Connect today; LDAP later): who it is
 * there and what it maps to here. It exists only inside the sessions issued for it.
 */
export interface FederatedIdentity {
  readonly kind: 'federated';
  readonly account: string;
  /** Where it was proved, e.g. `openid:keycloak`. */
  readonly source: string;
  readonly issuer: string;
  readonly subject: string;
  /** A display name (preferred_username, email, or the subject). */
  readonly name: string;
  /** The session's ARN: `arn:aws:sts::<account>:assumed-role/<role>/<session name>`. */
  readonly arn: string;
  /** aws:userid: `<provider>:<subject>`. */
  readonly userId: string;
  /** The policies the token's claims map to (by name, resolved on every request). */
  readonly policies: readonly string[];
  /** The token's groups claim. */
  readonly groups: readonly string[];
  /** The token's claims, as jwt:<claim> condition keys and policy variables. */
  readonly claims: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * An IAM role a session was assumed into (STS AssumeRole with the RoleArn of a role of this
 * deployment): resolved afresh from the directory on every request, so a deleted role's sessions
 * stop at once. Its sessions act with the role's policies, not the caller's.
 */
export interface RoleIdentity {
  readonly kind: 'role';
  readonly account: string;
  /** The role's name (stored spelling). */
  readonly name: string;
  /** The role's ARN, `arn:aws:iam::<account>:role/<path><name>`: aws:PrincipalArn of its sessions. */
  readonly arn: string;
  /** RoleId (AROA…): sessions' aws:userid is `<role id>:<session name>`. */
  readonly roleId: string;
  /** `arn:aws:sts::<account>:assumed-role/<name>`: a session's ARN is this and `/<session name>`. */
  readonly assumedRoleArn: string;
  /** aws:PrincipalTag/<key>: the role's tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Who can hold temporary credentials: the long-term identities, federated ones, and roles. */
export type SessionParent =
  | RootPrincipal
  | UserPrincipal
  | ServiceAccountPrincipal
  | FederatedIdentity
  | RoleIdentity;

/**
 * Temporary credentials (STS): act as their parent — resolved afresh on every request, so a
 * disabled or deleted parent stops its sessions at once — narrowed by the session policy. The
 * identity fields (arn, userId, name, groups, tags) are the parent's; a role's session has
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, userId `<role id>:<session>`, the
 * role's name and tags and no groups. `tags` (aws:PrincipalTag) are the parent's (user's or
 * role's) with the session tags over them, keys compared without regard to case.
 */
export interface SessionPrincipal extends Identified, UserFields {
  readonly kind: 'session';
  readonly parent: SessionParent;
  /** The session's id (part of its token): names it in revocations and the audit trail. */
  readonly sessionId: string;
  /** When the credentials stop working (epoch ms). */
  readonly expiresAt: number;
  /**
   * The session policies passed at issuance (the Policy document, then those PolicyArns named),
   * as JSON; absent when none was passed (the session has its parent's permissions).
   */
  readonly sessionPolicies?: readonly string[];
  /** RoleSessionName of AssumeRole. */
  readonly sessionName?: string;
  /**
   * Session tags (AssumeRole's Tags, a web identity's tags claim, transitive tags of role
   * chaining), as issued; `tags` already has them over the parent's tags of the same key.
   */
  readonly sessionTags?: Readonly<Record<string, string>>;
  /** The keys of `sessionTags` that pass on to sessions this one asks for (role chaining). */
  readonly transitiveTagKeys?: readonly string[];
}

/** A request that carried no credentials. */
export interface AnonymousPrincipal {
  readonly kind: 'anonymous';
  readonly account: '';
}

export const ANONYMOUS: AnonymousPrincipal = Object.freeze({ kind: 'anonymous', account: '' });

/** The IAM user a principal's identity policies come from (itself, or a service account's parent user). */
export function identityUser(p: Principal): string | undefined {
  switch (p.kind) {
    case 'user':
      return p.name;
    case 'serviceAccount':
      return p.parent.kind === 'user' ? p.parent.name : undefined;
    case 'session':
      return p.parent.kind === 'federated' || p.parent.kind === 'role' ? undefined : identityUser(p.parent);
    case 'root':
    case 'anonymous':
      return undefined;
    default:
      return unhandled(p);
  }
}

/** The `never` default of a switch over principal kinds. */
export function unhandled(p: never): never {
  throw new Error(`unhandled principal kind ${JSON.stringify((p as { kind?: unknown }).kind)}`);
}
