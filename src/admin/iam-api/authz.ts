import { type Principal, TesseraError } from '../../core/index.js';
import { type IamService, principalContext } from '../../iam/index.js';
import { authorize, type Decision } from '../../policy/index.js';

/**
 * What one IAM call needs: the IAM action on its resource, and MinIO's `admin:` equivalents so
 * that policies written for MinIO keep working.
 */
export interface AccessCheck {
  /** e.g. `iam:CreateUser`. */
  readonly action: string;
  /** e.g. `arn:aws:iam::123456789012:user/carol`; `*` for actions on no resource. */
  readonly resource: string;
  /** MinIO equivalents, e.g. `admin:CreateUser` (matched without Resource, as MinIO does). */
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

function deniedMessage(p: Principal, check: AccessCheck, explicit: boolean): string {
  const who = p.arn ?? 'anonymous';
  const tail = explicit ? ' with an explicit deny' : '';
  return `User: ${who} is not authorized to perform: ${check.action} on resource: ${check.resource}${tail}`;
}

/**
 * Decides an IAM call. Root is allowed without evaluation; anonymous callers never; anyone else
 * through policy.authorize over their identity (and service-account) policies, asking for the IAM
 * action and each MinIO equivalent: allowed when at least one is allowed and none is explicitly
 * denied. Throws AccessDenied naming the IAM action and resource, as AWS does:
 * `User: arn:aws:iam:::user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam:::user/carol`.
 */
export async function checkAccess(env: AccessEnv, p: Principal, check: AccessCheck): Promise<Decision[]> {
  if (p.type === 'root') return [];
  if (p.type === 'anonymous') throw new TesseraError('AccessDenied', deniedMessage(p, check, false));
  const context = { ...principalContext(p, env.accountId), ...env.context, ...check.context };
  const sets = await env.iam.policySetsFor(p);
  const requestPrincipal =
    p.arn === undefined ? { account: env.accountId } : { account: env.accountId, arn: p.arn };
  const decisions = [check.action, ...check.admin].map((action) =>
    authorize(sets, { action, resource: check.resource, context, principal: requestPrincipal }),
  );
  const explicit = decisions.some((d) => d.reason === 'explicitDeny');
  if (explicit || !decisions.some((d) => d.allowed)) {
    throw new TesseraError('AccessDenied', deniedMessage(p, check, explicit));
  }
  return decisions;
}
