import { type Principal, TesseraError, unhandled } from '../core/index.js';
import {
  authorize,
  type Decision,
  evaluate,
  mayDeny,
  type PrincipalPolicySets,
  RequestContext,
} from '../policy/index.js';
import { type PolicyPlugin, type PolicyVerdict, pluginInput } from './policy-plugin/index.js';
import { ALLOW_ALL } from './policy-sets.js';
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
  /**
   * Only an explicit deny matters (STS issuance): an access-management plugin's "no" is then an
   * explicit deny (MinIO's DenyOnly).
   */
  readonly denyOnly?: boolean;
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
  /**
   * The account that owns a bucket (undefined: no such bucket), for the cross-account rule
   * (docs/accounts.md). Absent: every bucket is the default account's.
   */
  bucketAccount?: (bucket: string) => string | undefined | Promise<string | undefined>;
  /**
   * MinIO's access management plugin / OPA (docs/plugins.md): when set, it decides every check of
   * an authenticated principal other than a root in its own account; anonymous requests keep
   * the built-in engine (bucket policies), as in MinIO.
   */
  policyPlugin?: PolicyPlugin;
}

const IMPLICIT_DENY: Decision = Object.freeze({
  allowed: false,
  reason: 'implicitDeny',
  statements: Object.freeze([]),
});
const ROOT_ALLOW: Decision = Object.freeze({
  allowed: true,
  reason: 'allowed',
  statements: Object.freeze([]),
  bypass: 'root',
});

/** The plugin's verdicts as decisions (label `policy-plugin`, the verdict as Sid, for the audit entry). */
function pluginDecision(verdict: PolicyVerdict, allowed: boolean, reason: Decision['reason']): Decision {
  const statement = Object.freeze({
    policy: 'policy-plugin',
    index: 0,
    sid: verdict,
    effect: allowed ? ('Allow' as const) : ('Deny' as const),
  });
  return Object.freeze({ allowed, reason, statements: Object.freeze([statement]) });
}
// The plugin's "no" is no grant (another action of the same call, or an ACL, may still allow);
// a plugin that fails is a deny nothing overrides: fail closed.
const PLUGIN: Readonly<Record<PolicyVerdict, Decision>> = Object.freeze({
  allow: pluginDecision('allow', true, 'allowed'),
  deny: pluginDecision('deny', false, 'implicitDeny'),
  unreachable: pluginDecision('unreachable', false, 'explicitDeny'),
  timeout: pluginDecision('timeout', false, 'explicitDeny'),
  invalid: pluginDecision('invalid', false, 'explicitDeny'),
});
const PLUGIN_DENY_ONLY: Decision = pluginDecision('deny', false, 'explicitDeny');

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
 * allowed without evaluation in its own account; on another account's bucket (docs/accounts.md)
 * everyone meets the cross-account rule. It never reveals anything: callers throw before they look anything up.
 * @example
 * const base = authorizer.context(principal, requestContext);
 * await authorizer.requireAll(principal, [{ action: 's3:GetObject', resource }], base);
 */
export class Authorizer {
  constructor(private readonly o: AuthorizerOptions) {}

  /** Whether buckets may belong to other accounts than the default one (docs/accounts.md). */
  get knowsAccounts(): boolean {
    return this.o.bucketAccount !== undefined;
  }

  /** The principal's condition keys (aws:username, aws:PrincipalTag/…) with the request's. */
  context(principal: Principal, request: Readonly<Context>): Context {
    return { ...principalContext(principal, this.#accountId(principal)), ...request };
  }

  /**
   * Decides one check; `base` is `context(principal, …)`. With an access-management plugin, the
   * plugin (docs/plugins.md); otherwise the built-in engine, with no extra step.
   */
  decide(principal: Principal, check: AccessCheck, base: Readonly<Context>): Promise<Decision> {
    const plugin = this.o.policyPlugin;
    if (plugin === undefined || principal.kind === 'anonymous') return this.#builtin(principal, check, base);
    return this.#byPlugin(plugin, principal, check, base);
  }

  /**
   * The plugin's decision: a root in its own account is not asked (never evaluated, as without
   * a plugin); with builtinFirst only what the built-in engine allows is asked.
   */
  async #byPlugin(
    plugin: PolicyPlugin,
    principal: Principal,
    check: AccessCheck,
    base: Readonly<Context>,
  ): Promise<Decision> {
    if (
      principal.kind === 'root' &&
      !(await this.actsAcross(principal, bucketOf(check.resource), check.action))
    )
      return this.#builtin(principal, check, base);
    let builtin: Decision | undefined;
    if (plugin.config.builtinFirst) {
      builtin = await this.#builtin(principal, check, base);
      if (!builtin.allowed) return builtin;
    }
    const context = await this.#checkContext(check, base);
    const denyOnly = check.denyOnly === true;
    const verdict = await plugin.ask(pluginInput(principal, check.action, check.resource, context, denyOnly));
    if (verdict === 'deny' && denyOnly) return PLUGIN_DENY_ONLY;
    const d = PLUGIN[verdict];
    return builtin === undefined || !d.allowed
      ? d
      : { ...d, statements: [...builtin.statements, ...d.statements] };
  }

  /**
   * The check's condition keys over `base`, with the object's tags when it names them
   * (synchronous otherwise: no extra step on the common path).
   */
  #checkContext(check: AccessCheck, base: Readonly<Context>): Context | Promise<Context> {
    const context: Context = { ...base, ...check.context };
    const of = check.existingTagsOf;
    const objectTags = this.o.objectTags;
    if (of === undefined || objectTags === undefined) return context;
    return objectTags(of.bucket, of.key, of.versionId).then((tags) => {
      for (const t of tags ?? []) context[`s3:ExistingObjectTag/${t.key}`] = t.value;
      return context;
    });
  }

  /** The built-in engine's decision. */
  async #builtin(principal: Principal, check: AccessCheck, base: Readonly<Context>): Promise<Decision> {
    const foreign = await this.actsAcross(principal, bucketOf(check.resource), check.action);
    if (principal.kind === 'root' && !foreign) {
      // An account's root is not the deployment's: MinIO admin actions are the deployment root's.
      return principal.account !== '' && check.action.toLowerCase().startsWith('admin:')
        ? IMPLICIT_DENY
        : ROOT_ALLOW;
    }
    const built = this.#checkContext(check, base);
    const context = built instanceof Promise ? await built : built;
    const bucket = bucketOf(check.resource);
    const sets = await this.o.iam.policySetsFor(principal, bucket);
    const request = {
      action: check.action,
      resource: check.resource,
      context,
      principal: authzPrincipal(principal, this.#accountId(principal)),
    };
    if (foreign) return this.#across(principal, sets, request, bucket!);
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
   * Whether `principal` acts on a bucket of another account (docs/accounts.md): then it needs an
   * allow from its own identity policies AND from the bucket's policy (ACLs never grant across).
   */
  actsAcross(principal: Principal, bucket: string | undefined, action?: string): boolean | Promise<boolean> {
    if (bucket === undefined || principal.kind === 'anonymous' || this.o.bucketAccount === undefined)
      return false;
    // Creating a bucket is the caller's own account's business (a taken name: BucketAlreadyExists).
    if (action !== undefined && action.toLowerCase() === 's3:createbucket') return false;
    const found = this.o.bucketAccount(bucket);
    const across = (owner: string | undefined) => owner !== undefined && owner !== principal.account;
    return found instanceof Promise ? found.then(across) : across(found);
  }

  /** Whether any check is on another account's bucket (a root is then evaluated, docs/accounts.md). */
  async anyAcross(principal: Principal, checks: readonly AccessCheck[]): Promise<boolean> {
    for (const c of checks) if (await this.actsAcross(principal, bucketOf(c.resource), c.action)) return true;
    return false;
  }

  /**
   * For a check on another account's bucket that the bucket policy did not grant: whether the
   * caller's own identity side allows it (with no explicit Deny anywhere), so that an ACL grant
   * of the bucket's account may complete it (docs/accounts.md "Across accounts").
   */
  async identityAllowsAcross(
    principal: Principal,
    check: AccessCheck,
    base: Readonly<Context>,
  ): Promise<boolean> {
    const bucket = bucketOf(check.resource);
    if (!(await this.actsAcross(principal, bucket, check.action))) return false;
    const sets = this.#crossSets(principal, await this.o.iam.policySetsFor(principal, bucket));
    const request = {
      action: check.action,
      resource: check.resource,
      context: { ...base, ...check.context },
      principal: sets.principal,
    };
    const full = authorize(sets, request);
    if (full.reason === 'explicitDeny') return false;
    const { resource: _policy, ...identityOnly } = sets;
    return authorize(identityOnly, request).allowed;
  }

  /** A root acting outside its account: evaluated, its identity side allowing everything. */
  #crossSets(principal: Principal, sets: PrincipalPolicySets): PrincipalPolicySets {
    if (principal.kind !== 'root') return sets;
    return { ...sets, principal: { ...sets.principal, type: 'user' }, identity: [ALLOW_ALL] };
  }

  /**
   * AWS's cross-account rule: an explicit Deny anywhere wins; otherwise both the caller's identity
   * side and the bucket policy must allow (a grant to the caller's account counts here, since the
   * identity side must allow anyway). RestrictPublicBuckets withdraws a public policy's grants.
   */
  async #across(
    principal: Principal,
    given: PrincipalPolicySets,
    request: { action: string; resource: string; context: Context },
    bucket: string,
  ): Promise<Decision> {
    const sets = this.#crossSets(principal, given);
    const full = authorize(sets, { ...request, principal: sets.principal });
    if (!full.allowed) return full;
    const { resource: policy, ...identityOnly } = sets;
    const identity = authorize(identityOnly, { ...request, principal: sets.principal });
    if (!identity.allowed) return identity;
    const byPolicy = evaluate(policy ?? [], {
      action: request.action,
      resource: request.resource,
      context: RequestContext.from(request.context),
      principal: sets.principal,
    });
    if (!byPolicy.allowed) return IMPLICIT_DENY;
    const restricted = this.o.restrictedOwner?.(bucket);
    if ((restricted instanceof Promise ? await restricted : restricted) !== undefined) return IMPLICIT_DENY;
    return full;
  }

  /**
   * Whether any Deny statement of the principal's policies covers `action` (for `resource`'s
   * bucket policy too): false means no check of the action can be an explicit deny, so a caller
   * that only looks for one (STS issuance) may skip the decision and its context.
   */
  async mayDeny(principal: Principal, action: string, resource: string): Promise<boolean> {
    const bucket = bucketOf(resource);
    if (principal.kind === 'root' && !(await this.actsAcross(principal, bucket, action))) return false;
    // The plugin may deny anything: it is asked (with denyOnly).
    if (this.o.policyPlugin !== undefined && principal.kind !== 'anonymous') return true;
    const sets = await this.o.iam.policySetsFor(principal, bucket);
    return mayDeny(
      principal.kind === 'root' ? { ...sets, principal: { ...sets.principal, type: 'user' } } : sets,
      action,
    );
  }

  /**
   * Every check must be allowed: the decisions in order, or AccessDeniedError at the first check
   * that is not (root in its own account: none, never evaluated).
   */
  async requireAll(
    principal: Principal,
    checks: Iterable<AccessCheck>,
    base: Readonly<Context>,
  ): Promise<Decision[]> {
    const decisions: Decision[] = [];
    // The deployment root is never evaluated unless it acts on another account's bucket.
    if (principal.kind === 'root' && principal.account === '' && this.o.bucketAccount === undefined)
      return decisions;
    for (const check of checks) {
      const d = await this.decide(principal, check, base);
      if (!d.allowed) throw new AccessDeniedError(d, check);
      if (d !== ROOT_ALLOW) decisions.push(d);
    }
    return decisions;
  }

  /** Whether one check is allowed (root in its own account: always), for per-key and per-bucket questions. */
  async allowed(principal: Principal, check: AccessCheck, base: Readonly<Context>): Promise<boolean> {
    return (await this.decide(principal, check, base)).allowed;
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
