import type { Principal } from '../../core/index.js';
import type { AccessCheck, Authorizer } from '../../iam/index.js';
import { authorizeWithAcls, type S3Deps } from '../../s3/index.js';
import type { Trace } from '../exchange.js';

/**
 * Authorizes an S3 request's checks (policies, then ACL grants: s3/acl/authorize.ts) and records
 * the decision in the trace: the deciding statements, or the ACL grant that allowed. Throws
 * AccessDeniedError at the first check that is not allowed.
 */
export async function authorizeS3Checks(
  deps: S3Deps,
  authorizer: Authorizer,
  principal: Principal,
  checks: readonly AccessCheck[],
  base: Readonly<Record<string, string | string[]>>,
  trace: Trace,
): Promise<void> {
  const { decisions, acl } = await authorizeWithAcls(deps, authorizer, principal, checks, base);
  const last = decisions[decisions.length - 1];
  const statements = acl !== undefined ? [acl.statement] : last?.statements;
  trace.authz = {
    decision: 'allow',
    reason: acl !== undefined ? 'acl' : (last?.reason ?? 'allowed'),
    ...(statements === undefined ? {} : { statements }),
    actions: checks.map((c) => c.action),
    resources: checks.map((c) => c.resource),
  };
}
