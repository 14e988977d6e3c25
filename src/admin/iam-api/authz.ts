import type { Principal } from '../../core/index.js';
import {
  AccessDeniedError,
  type Authorizer,
  type IamService,
  type IamTarget,
  type ResolvedTarget,
  resolveTarget,
} from '../../iam/index.js';
import type { Decision } from '../../policy/index.js';

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
  authorizer: Authorizer;
  /** The request's global condition keys (aws:SourceIp, aws:CurrentTime, …). */
  context: Readonly<Record<string, string | string[]>>;
}

function deniedMessage(p: Principal, action: string, resource: string, explicit: boolean): string {
  const who = p.kind === 'anonymous' ? 'anonymous' : p.arn;
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
  if (p.kind === 'root') return { target, decisions: [] };
  const resource = target.arn;
  const base = env.authorizer.context(p, { ...env.context, ...check.context });
  const decisions: Decision[] =
    p.kind === 'anonymous'
      ? []
      : await Promise.all(
          [check.action, ...check.admin].map((action) =>
            env.authorizer.decide(p, { action, resource }, base),
          ),
        );
  const deny = decisions.find((d) => d.reason === 'explicitDeny');
  if (deny !== undefined || !decisions.some((d) => d.allowed)) {
    const decision = deny ?? decisions[0] ?? { allowed: false, reason: 'implicitDeny', statements: [] };
    const message = deniedMessage(p, check.action, target.sentArn, deny !== undefined);
    throw new AccessDeniedError(decision, { action: check.action, resource }, message);
  }
  return { target, decisions };
}
