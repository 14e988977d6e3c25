import { type Principal, type RoleIdentity, TesseraError } from '../core/index.js';
import { type Authorizer, authzPrincipal, type IamRole, type IamService, Lru } from '../iam/index.js';
import { type CompiledPolicy, compilePolicy, evaluate, parsePolicy } from '../policy/index.js';
import {
  hasTags,
  inheritedTags,
  NO_SESSION_TAGS,
  requestTagContext,
  type SessionTags,
  tagSessionDenied,
  withInherited,
} from './session-tags.js';
import type { StsApiRequest } from './types.js';

/** What AssumeRole of a real role needs. */
export interface RoleAssumeEnv {
  readonly iam: IamService;
  readonly authorizer: Authorizer;
  /** TESSERA_STS_STRICT_ROLES: a RoleArn that names no role is AccessDenied (AWS) instead of MinIO's fallback. */
  readonly strictRoles: boolean;
}

/** The role a session will act as, and how long it may last. */
export interface AssumedRole {
  readonly role: RoleIdentity;
  readonly durationSeconds: number;
  readonly sessionName: string;
  /** The session's tags: the calling session's transitive ones and the requested ones. */
  readonly tags: SessionTags;
}

/** Compiled trust policies by (role, text): content-addressed, so never stale. */
const trustPolicies = new Lru<string, CompiledPolicy>(1000);

export function compiledTrust(role: IamRole): CompiledPolicy {
  const key = `${role.arn}\u0000${role.trustPolicy}`;
  let p = trustPolicies.get(key);
  if (p === undefined) {
    p = compilePolicy(parsePolicy(role.trustPolicy, { kind: 'trust' }), `role/${role.name}/trust`);
    trustPolicies.set(key, p);
  }
  return p;
}

function callerArn(p: Principal): string {
  return p.kind === 'anonymous' ? 'anonymous' : p.arn;
}

function denied(p: Principal, roleArn: string): TesseraError {
  return new TesseraError(
    'AccessDenied',
    `User: ${callerArn(p)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn.slice(0, 2048)}`,
  );
}

/** The role of the caller's account that `roleArn` names, or undefined. */
async function findRole(env: RoleAssumeEnv, p: Principal, roleArn: string): Promise<IamRole | undefined> {
  const parsed = env.iam.arns.parseRole(roleArn);
  if (parsed === undefined || parsed.account !== p.account) return undefined;
  const role = await env.iam.roles.find(p.account, parsed.name);
  // The path is part of the ARN: `role/a/x` does not name `role/x`.
  return role !== undefined && role.arn === env.iam.arns.role(p.account, parsed.path, role.name)
    ? role
    : undefined;
}

/**
 * AssumeRole of a role of this deployment (docs/sts.md "Roles"): the role's trust policy must
 * allow the caller (its Principal naming the caller's ARN, the role of the caller's session, the
 * account or `*`, its conditions evaluated over the request: sts:ExternalId, aws:PrincipalTag,
 * aws:SourceIp, …) and, unless it names the caller's exact ARN, the caller's own policies must
 * allow sts:AssumeRole on the role ARN, as AWS decides within one account. Undefined when the
 * RoleArn names no role here (the MinIO fallback), or AccessDenied with strict roles.
 */
export async function assumedRole(
  env: RoleAssumeEnv,
  req: StsApiRequest,
  roleArn: string,
  requested: {
    durationSeconds: number | undefined;
    defaultSeconds: number;
    sessionName: string | undefined;
    /** The caller is a session (role chaining): at most one hour. */
    chained: boolean;
    /** Session tags the request passes (Tags, TransitiveTagKeys): need sts:TagSession. */
    tags?: SessionTags;
  },
): Promise<AssumedRole | undefined> {
  const p = req.principal;
  const role = await findRole(env, p, roleArn);
  if (role === undefined) {
    if (env.strictRoles) throw denied(p, roleArn);
    return undefined;
  }
  // AWS: "Roles may not be assumed by root accounts."
  if (p.kind === 'root' || p.kind === 'anonymous') {
    throw new TesseraError('AccessDenied', 'Roles may not be assumed by root accounts.');
  }
  if (requested.sessionName === undefined) {
    throw new TesseraError(
      'ValidationError',
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (requested.durationSeconds !== undefined && requested.durationSeconds > role.maxSessionDuration) {
    throw new TesseraError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  if (requested.chained && requested.durationSeconds !== undefined && requested.durationSeconds > 3600) {
    throw new TesseraError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const limit = requested.chained ? Math.min(3600, role.maxSessionDuration) : role.maxSessionDuration;
  const duration = requested.durationSeconds ?? Math.min(requested.defaultSeconds, limit);
  const externalId = req.params.get('ExternalId');
  const tags = requested.tags ?? NO_SESSION_TAGS;
  const base = env.authorizer.context(p, {
    ...req.context,
    ...requestTagContext(tags),
    'sts:RoleSessionName': requested.sessionName,
    'sts:DurationSeconds': String(duration),
    ...(externalId === null ? {} : { 'sts:ExternalId': externalId }),
  });
  const check = { action: 'sts:AssumeRole', resource: role.arn, context: {} };
  const trust = compiledTrust(role);
  const out = { grant: 0 as 0 | 1 | 2 | 3 };
  const trusted = evaluate(
    [trust],
    { ...check, context: base, principal: authzPrincipal(p, env.iam.arns.accountId(p.account)) },
    {},
    out,
  );
  if (!trusted.allowed) throw denied(p, roleArn);
  // The caller's own policies: an explicit Deny always refuses; an Allow is needed unless the
  // trust policy names the caller's exact ARN.
  const own = await env.authorizer.decide(p, check, base);
  if (own.reason === 'explicitDeny' || (!own.allowed && out.grant !== 3)) throw denied(p, roleArn);
  // Session tags: sts:TagSession, decided as sts:AssumeRole is (trust, then the caller's own).
  if (hasTags(tags)) {
    const tagCheck = { action: 'sts:TagSession', resource: role.arn, context: {} };
    const tagOut = { grant: 0 as 0 | 1 | 2 | 3 };
    const principal = authzPrincipal(p, env.iam.arns.accountId(p.account));
    if (!evaluate([trust], { ...tagCheck, context: base, principal }, {}, tagOut).allowed)
      throw tagSessionDenied(p, role.arn);
    const ownTag = await env.authorizer.decide(p, tagCheck, base);
    if (ownTag.reason === 'explicitDeny' || (!ownTag.allowed && tagOut.grant !== 3))
      throw tagSessionDenied(p, role.arn);
  }
  return {
    role: env.iam.roles.identity(role),
    durationSeconds: duration,
    sessionName: requested.sessionName,
    tags: withInherited(tags, inheritedTags(p)),
  };
}
