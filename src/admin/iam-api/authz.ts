import { type Principal, TesseraError } from '../../core/index.js';
import {
  type IamService,
  type IamTarget,
  principalContext,
  type ResolvedTarget,
  resolveTarget,
} from '../../iam/index.js';
import { authorize, type Decision } from '../../policy/index.js';

/**
 * What one IAM call needs: the IAM action on its resource, and MinIO's `admin:` equivalents so
 * that policies written for MinIO keep working.
 */
export interface AccessCheck {
  /** e.g. `iam:CreateUser`. */
  readonly action: string;
  /**
   * The entity acted on, as the request names it; resolved to the stored entity before the check
   * (its ARN, e.g. `arn:aws:iam::123456789012:user/carol`, is the resource).
   */
  readonly target: IamTarget;
  /**
   * MinIO equivalents, e.g. `admin:CreateUser`, checked on the same resource: an admin statement
   * without Resource, or with `*` / `arn:aws:s3:::*`, applies deployment-wide; one naming an
   * entity applies to that entity only (docs/security.md "Admin actions and Resource").
   */
  readonly admin: readonly string[];
  /** Extra condition keys of this call (e.g. `iam:PolicyARN`). */
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export interface AccessEnv {
  iam: IamService;
  /** The account id the principal belongs to, as ARNs and aws:PrincipalAccount show it. */
  accountId: string;
  /** The request's global condition keys (aws:SourceIp, aws:CurrentTime, …). */
  context: Readonly<Record<string, string | string[]>>;
}

function deniedMessage(p: Principal, action: string, resource: string, explicit: boolean): string {
  const who = p.arn ?? 'anonymous';
  const tail = explicit ? ' with an explicit deny' : '';
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource}${tail}`;
}

/** What a granted check returns: the entity as stored (act on its name) and the deciding decisions. */
export interface Granted {
  readonly target: ResolvedTarget;
  readonly decisions: readonly Decision[];
}

/**
 * Decides an IAM call, the one place every IAM (and MinIO admin) action is authorized: resolves
 * the target to the stored entity first, so a name sent in another letter case is checked on the
 * entity it will act on (`KIM` is checked as `user/kim`). Root is allowed without evaluation; anonymous callers never; anyone else
 * through policy.authorize over their identity (and service-account) policies, asking for the IAM
 * action and each MinIO equivalent: allowed when at least one is allowed and none is explicitly
 * denied. Throws AccessDenied naming the IAM action and resource, as AWS does:
 * `User: arn:aws:iam:::user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam:::user/carol`.
 */
export async function checkAccess(env: AccessEnv, p: Principal, check: AccessCheck): Promise<Granted> {
  const target = await resolveTarget(env.iam, p.account, check.target);
  if (p.type === 'root') return { target, decisions: [] };
  const resource = target.arn;
  if (p.type === 'anonymous')
    throw new TesseraError('AccessDenied', deniedMessage(p, check.action, target.sentArn, false));
  const context = { ...principalContext(p, env.accountId), ...env.context, ...check.context };
  const sets = await env.iam.policySetsFor(p);
  const requestPrincipal =
    p.arn === undefined ? { account: env.accountId } : { account: env.accountId, arn: p.arn };
  const decisions = [check.action, ...check.admin].map((action) =>
    authorize(sets, { action, resource, context, principal: requestPrincipal }),
  );
  const explicit = decisions.some((d) => d.reason === 'explicitDeny');
  if (explicit || !decisions.some((d) => d.allowed)) {
    throw new TesseraError('AccessDenied', deniedMessage(p, check.action, target.sentArn, explicit));
  }
  return { target, decisions };
}
