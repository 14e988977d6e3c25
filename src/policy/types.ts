/**
 * The shapes of the policy language after parsing (normalised: every list is an array, every
 * condition value a string), of an authorization request and of a decision.
 */

/** Which kind of attachment a document is validated as; decides Principal rules and size limits. */
/** `trust`: a role's AssumeRolePolicyDocument (Principal required, sts: actions, no Resource). */
export type PolicyKind = 'identity' | 'resource' | 'session' | 'serviceAccount' | 'trust';

export type Effect = 'Allow' | 'Deny';

/** `"*"` or a map of principal types (AWS, Service, Federated, CanonicalUser) to identifiers. */
export type PrincipalSpec = '*' | Readonly<Record<string, readonly string[]>>;

/** operator (e.g. `ForAnyValue:StringLikeIfExists`) → condition key → values (ORed). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** One statement, normalised. Exactly one of Action/NotAction is set, and so on. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Principal?: PrincipalSpec;
  readonly NotPrincipal?: PrincipalSpec;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: ConditionBlock;
}

/** A validated policy document. `Version` is absent when the source had none (= 2008-10-17). */
export interface PolicyDocument {
  readonly Version?: '2012-10-17' | '2008-10-17';
  readonly Id?: string;
  readonly Statement: readonly Statement[];
}

/** A scalar a caller may put in a request context. */
export type ContextScalar = string | number | boolean;

/** Raw request context: condition key (any case) → value or values. */
export type ContextInput = Readonly<Record<string, ContextScalar | readonly ContextScalar[] | undefined>>;

/** Who is asking, as far as resource (bucket) policies care. */
export interface RequestPrincipal {
  /** The caller's ARN (user, assumed-role session, …); absent for anonymous callers. */
  readonly arn?: string;
  /** The caller's account id ('' for MinIO-style ARNs without one). */
  readonly account?: string;
  /** Further ARNs that name the caller (the role of a session, the parent of a service account). */
  readonly aliases?: readonly string[];
  /** True for unauthenticated requests. */
  readonly anonymous?: boolean;
}

/** Identifies one statement in a set of policies. */
export interface StatementRef {
  readonly policy: string;
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
}

/** Why a statement that matched action and resource did not apply. */
export interface NearMiss {
  readonly statement: StatementRef;
  readonly operator: string;
  readonly key: string;
  /** True when the condition failed because the key was absent from the context. */
  readonly missing: boolean;
}

/** The three-way outcome of an evaluation. */
export type DecisionReason = 'explicitDeny' | 'allowed' | 'implicitDeny';

/** The answer: allowed or not, why, and (when asked to explain) the statements behind it. */
export interface Decision {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  /** The deciding statements: the denying ones, else the allowing ones (first only unless explained). */
  readonly statements: readonly StatementRef[];
  /** With `explain`: statements whose action and resource matched but a condition failed. */
  readonly nearMisses?: readonly NearMiss[];
  /** Set when the decision needed no evaluation (the account root). */
  readonly bypass?: 'root';
}
