import { type CredentialLookup, GLOBAL_REGION, type VerifiedRequest } from '../../auth/index.js';
import { type Principal, TesseraError } from '../../core/index.js';
import type { Authorizer } from '../../iam/index.js';
import { authenticateStep } from '../authenticate-step.js';
import type { Exchange, RequestContextSource, Trace } from '../exchange.js';
import { scopeStep } from './scope-step.js';

/** What authenticating an admin call's caller needs. */
export interface AdminCallerOptions {
  lookup: CredentialLookup<Principal>;
  domains: readonly string[];
  region: string;
}

/** What authorizing an admin call's action needs besides. */
export interface AdminAuthorizeOptions extends AdminCallerOptions {
  authorizer: Authorizer;
  context: RequestContextSource;
}

/** An authenticated (never anonymous) admin caller. */
export interface AdminCaller {
  readonly verified: VerifiedRequest<Principal>;
  readonly principal: Principal;
}

/**
 * Authenticates an admin call's caller (recorded in `trace.auth`): anonymous callers are refused,
 * and madmin-go signs for service s3 in the client's region (often us-east-1, or none at all).
 */
export async function authenticateAdminCaller(
  o: AdminCallerOptions,
  x: Exchange,
  trace: Trace,
): Promise<AdminCaller> {
  const { verified } = await authenticateStep(x, { lookup: o.lookup, domains: o.domains }, (r) => {
    trace.auth = r;
  });
  const principal = verified.principal;
  if (verified.kind === 'anonymous' || principal === undefined) throw new TesseraError('AccessDenied');
  scopeStep(trace, verified, { service: 's3', regions: [o.region, GLOBAL_REGION, ''], api: 's3' });
  return { verified, principal };
}

/**
 * Only the default account's principals make these calls (docs/accounts.md): others are refused.
 * True for the root, allowed outright (recorded in `trace.authz`); false for one to authorize.
 */
export function defaultAccountRoot(trace: Trace, principal: Principal): boolean {
  if (principal.account !== '') throw new TesseraError('AccessDenied');
  if (principal.kind !== 'root') return false;
  trace.authz = { decision: 'allow', reason: 'root' };
  return true;
}

/**
 * Requires `action` on `resource` of the caller (root: always; only the default account's
 * principals), recording the decision in `trace.authz`.
 */
export async function requireAdminAction(
  o: AdminAuthorizeOptions,
  x: Exchange,
  trace: Trace,
  { verified, principal }: AdminCaller,
  action: string,
  resource: string,
): Promise<void> {
  if (defaultAccountRoot(trace, principal)) return;
  const base = o.authorizer.context(principal, o.context(x, verified));
  const [d] = await o.authorizer.requireAll(principal, [{ action, resource }], base);
  trace.authz = {
    decision: 'allow',
    reason: d?.reason ?? 'allowed',
    ...(d === undefined ? {} : { statements: d.statements }),
    actions: [action],
    resources: [resource],
  };
}

/** Authenticates the caller, then requires `action` on `resource` (requireAdminAction). */
export async function authorizeAdminCall(
  o: AdminAuthorizeOptions,
  x: Exchange,
  trace: Trace,
  action: string,
  resource: string,
): Promise<VerifiedRequest<Principal>> {
  const caller = await authenticateAdminCaller(o, x, trace);
  await requireAdminAction(o, x, trace, caller, action, resource);
  return caller.verified;
}
