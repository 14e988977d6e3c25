import { type Principal, TesseraError, unhandled } from '../core/index.js';
import { authorize, type Decision, mayDeny } from '../policy/index.js';
import { authzPrincipal, principalContext } from './principal-context.js';
import type { IamService } from './service.js';

type Context = Record<string, string | string[]>;

/** One question to the policy engine: may the principal do `action` on `resource`? */
export interface AccessCheck {
  /** e.g. `s3:GetObject`, `iam:CreateUser`, `admin:CreateUser`. */
  readonly action: string;
  /** e.g. `arn:aws:s3:::photos/a.jpg`; `*` for actions on no resource. */
  readonly resource: string;
  /** Condition keys of this check (s3:prefix, s3:versionid, iam:PolicyARN, …). */
  readonly context?: Readonly<Context>;
  /**
   * S3: the object whose tags are the s3:ExistingObjectTag/<key> condition keys (its current
   * version, or the version named).
   */
  readonly existingTagsOf?: { readonly bucket: string; readonly key: string; readonly versionId?: string };
}

/**
 * AccessDenied that knows why: the decision (reason, deciding statements) and the check it
 * answered, for the request event and the audit trail. The wire answer is plain AccessDenied.
 */
export class AccessDeniedError extends TesseraError {
  readonly decision: Decision;
  readonly check: AccessCheck;

  constructor(decision: Decision, check: AccessCheck, message?: string) {
    super('AccessDenied', message);
    this.name = 'AccessDeniedError';
    this.decision = decision;
    this.check = check;
  }
}

export interface AuthorizerOptions {
  iam: IamService;
  /** The default account's id as ARNs and aws:PrincipalAccount show it ('' for MinIO-style ARNs). */
  accountId: string;
  /**
   * An object's tags (its current version, or `versionId`; undefined when it does not exist), for
   * s3:ExistingObjectTag/<key>.
   */
  objectTags?: (
    bucket: string,
    key: string,
    versionId?: string,
  ) => Promise<readonly { key: string; value: string }[] | undefined>;
  /**
   * RestrictPublicBuckets (docs/public-access.md): the bucket owner's account while the bucket's
   * policy is public and the setting is on (its policy then grants only to that account's
   * principals), else undefined. Asked only for buckets that have a policy.
   */
  restrictedOwner?: (bucket: string) => string | undefined | Promise<string | undefined>;
}

function bucketOf(resource: string): string | undefined {
  if (!resource.startsWith('arn:aws:s3:::') || resource === 'arn:aws:s3:::*') return undefined;
  const rest = resource.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

/**
 * The one authorizer, used by every API (S3, IAM, and STS and MinIO admin as they land): it
 * decides access checks for a principal with the policy engine, over the principal's identity
 * policies, its layers (service-account policy) and, for S3 resources, the bucket policy. Root is
 * allowed without evaluation. It never reveals anything: callers throw before they look anything up.
 * @example
 * const base = authorizer.context(principal, requestContext);
 * await authorizer.requireAll(principal, [{ action: 's3:GetObject', resource }], base);
 */
export class Authorizer {
  constructor(private readonly o: AuthorizerOptions) {}

  /** The principal's condition keys (aws:username, aws:PrincipalTag/…) with the request's. */
  context(principal: Principal, request: Readonly<Context>): Context {
    return { ...principalContext(principal, this.#accountId(principal)), ...request };
  }

  /** Decides one check; `base` is `context(principal, …)`. */
  async decide(principal: Principal, check: AccessCheck, base: Readonly<Context>): Promise<Decision> {
    const context: Context = { ...base, ...check.context };
    if (check.existingTagsOf !== undefined && this.o.objectTags !== undefined) {
      const { bucket, key, versionId } = check.existingTagsOf;
      const tags = await this.o.objectTags(bucket, key, versionId);
      for (const t of tags ?? []) context[`s3:ExistingObjectTag/${t.key}`] = t.value;
    }
    const bucket = bucketOf(check.resource);
    const sets = await this.o.iam.policySetsFor(principal, bucket);
    const request = {
      action: check.action,
      resource: check.resource,
      context,
      principal: authzPrincipal(principal, this.#accountId(principal)),
    };
    const decision = authorize(sets, request);
    if (!decision.allowed || sets.resource === undefined || bucket === undefined) return decision;
    const restricted = this.o.restrictedOwner?.(bucket);
    const owner = restricted instanceof Promise ? await restricted : restricted;
    if (owner === undefined || (principal.kind !== 'anonymous' && principal.account === owner))
      return decision;
    // "Only AWS service principals and authorized users within the bucket owner's account":
    // what the bucket policy alone grants is withdrawn; its Deny statements still counted above.
    const { resource: _granted, ...withoutPolicy } = sets;
    return authorize(withoutPolicy, request);
  }

  /**
   * Whether any Deny statement of the principal's policies covers `action` (for `resource`'s
   * bucket policy too): false means no check of the action can be an explicit deny, so a caller
   * that only looks for one (STS issuance) may skip the decision and its context.
   */
  async mayDeny(principal: Principal, action: string, resource: string): Promise<boolean> {
    if (principal.kind === 'root') return false;
    return mayDeny(await this.o.iam.policySetsFor(principal, bucketOf(resource)), action);
  }

  /**
   * Every check must be allowed: the decisions in order, or AccessDeniedError at the first check
   * that is not (root: none, never evaluated).
   */
  async requireAll(
    principal: Principal,
    checks: Iterable<AccessCheck>,
    base: Readonly<Context>,
  ): Promise<Decision[]> {
    const decisions: Decision[] = [];
    if (principal.kind === 'root') return decisions;
    for (const check of checks) {
      const d = await this.decide(principal, check, base);
      if (!d.allowed) throw new AccessDeniedError(d, check);
      decisions.push(d);
    }
    return decisions;
  }

  /** Whether one check is allowed (root: always), for per-key and per-bucket questions. */
  async allowed(principal: Principal, check: AccessCheck, base: Readonly<Context>): Promise<boolean> {
    return principal.kind === 'root' || (await this.decide(principal, check, base)).allowed;
  }

  #accountId(p: Principal): string {
    switch (p.kind) {
      case 'anonymous':
        return this.o.accountId;
      case 'root':
      case 'user':
      case 'serviceAccount':
      case 'session':
        return p.account === '' ? this.o.accountId : this.o.iam.arns.accountId(p.account);
      default:
        return unhandled(p);
    }
  }
}
