import { actionInfo } from './actions/catalog.js';
import type { CompiledPolicy } from './compile.js';
import { statementsFor } from './compile.js';
import { RequestContext } from './context.js';
import { type AuthzRequest, type EvaluateOptions, evaluate, type GrantOut } from './evaluate.js';
import type { Decision, NearMiss, RequestPrincipal, StatementRef } from './types.js';

/** Who the caller is, as the combination rules need it. */
export interface AuthzPrincipal extends RequestPrincipal {
  /**
   * `root`: the account owner, allowed without evaluation. `anonymous`: sees the bucket policy
   * only. `session`: temporary credentials (a bucket policy naming the session's exact ARN is not
   * limited by the session policy). `user` and `serviceAccount`: long-term identities.
   */
  readonly type: 'root' | 'user' | 'serviceAccount' | 'session' | 'anonymous';
}

/**
 * A principal's policies, as the IAM layer supplies them. Every list is a union; the layers
 * `session` and `serviceAccount`, when present, each intersect the identity permissions.
 */
export interface PrincipalPolicySets {
  readonly principal: AuthzPrincipal;
  /** The principal's own, its groups' and inline policies (for sessions and service accounts: the parent's). */
  readonly identity?: readonly CompiledPolicy[];
  /** The bucket (resource) policy, if any. */
  readonly resource?: readonly CompiledPolicy[];
  /** Session policies passed to AssumeRole* (intersect). */
  readonly session?: readonly CompiledPolicy[];
  /** A service account's embedded policy (intersects the parent's); absent = inherits the parent's. */
  readonly serviceAccount?: readonly CompiledPolicy[];
}

const ROOT: Decision = Object.freeze({
  allowed: true,
  reason: 'allowed',
  statements: Object.freeze([]),
  bypass: 'root',
});
const NONE: Decision = Object.freeze({
  allowed: false,
  reason: 'implicitDeny',
  statements: Object.freeze([]),
});

function layer(
  policies: readonly CompiledPolicy[] | undefined,
  req: AuthzRequest,
  opts: EvaluateOptions,
  out?: GrantOut,
): Decision | undefined {
  return policies === undefined ? undefined : evaluate(policies, req, opts, out);
}

/**
 * Decides a request as AWS does within one account: root is allowed without evaluation;
 * anonymous callers see only the bucket policy; otherwise an explicit Deny in any policy wins,
 * and the request is allowed when the identity policies allow it (within every session /
 * service-account layer) or the bucket policy allows it for this principal (a grant to the
 * caller's account only delegates, and needs the identity allow as well).
 * @example authorize({ principal: { type: 'user', arn }, identity: [p] }, { action, resource, context })
 */
export function authorize(
  sets: PrincipalPolicySets,
  request: AuthzRequest,
  opts: EvaluateOptions = {},
): Decision {
  const p = sets.principal;
  if (p.type === 'root') return ROOT;
  const ctx = RequestContext.from(request.context);
  const anonymous = p.type === 'anonymous';
  const req: AuthzRequest = {
    action: request.action,
    resource: request.resource,
    context: ctx,
    principal: anonymous ? { anonymous: true } : p,
  };
  const out: GrantOut = { grant: 0 };
  const resource = layer(sets.resource, req, opts, out);
  if (anonymous) return resource ?? NONE;
  const identity = layer(sets.identity ?? [], req, opts)!;
  const session = layer(sets.session, req, opts);
  const service = layer(sets.serviceAccount, req, opts);
  const all = [identity, resource, session, service].filter((d): d is Decision => d !== undefined);
  const denied = all.filter((d) => d.reason === 'explicitDeny');
  if (denied.length > 0) {
    return denied.length === 1
      ? denied[0]!
      : { allowed: false, reason: 'explicitDeny', statements: denied.flatMap((d) => d.statements) };
  }
  const layersAllow =
    (session === undefined || session.allowed) && (service === undefined || service.allowed);
  const byIdentity = identity.allowed && layersAllow;
  const byResource =
    resource?.allowed === true &&
    ((out.grant === 3 && p.type === 'session') || (out.grant >= 2 && layersAllow));
  if (!byIdentity && !byResource) {
    if (opts.explain !== true) return NONE;
    const nearMisses: NearMiss[] = all.flatMap((d) => d.nearMisses ?? []);
    return { allowed: false, reason: 'implicitDeny', statements: [], nearMisses };
  }
  if (opts.explain !== true) return byIdentity ? identity : resource!;
  const statements: StatementRef[] = [
    ...(byIdentity ? identity.statements : []),
    ...(byResource ? resource!.statements : []),
    ...(session?.statements ?? []),
    ...(service?.statements ?? []),
  ];
  return { allowed: true, reason: 'allowed', statements };
}

/**
 * Whether any Deny statement of the principal's policies (identity, session, service-account and
 * resource layers) covers `action` at all, whatever its resource and conditions: when none does,
 * no request for the action can be explicitly denied, and an explicit-Deny check may be skipped.
 */
export function mayDeny(sets: PrincipalPolicySets, action: string): boolean {
  if (sets.principal.type === 'root') return false;
  const info = actionInfo(action);
  const key = info === undefined ? undefined : info.name.toLowerCase();
  const lowerAction = key ?? action.toLowerCase();
  for (const layerPolicies of [sets.identity, sets.session, sets.serviceAccount, sets.resource]) {
    for (const policy of layerPolicies ?? []) {
      if (statementsFor(policy, key, lowerAction).some((st) => st.deny)) return true;
    }
  }
  return false;
}
