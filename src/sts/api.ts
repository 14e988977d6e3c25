import {
  type Principal,
  renderXml,
  type SessionParent,
  TesseraError,
  unhandled,
  type XmlNode,
} from '../core/index.js';
import { type Authorizer, type IamService, sessionParentOf } from '../iam/index.js';
import type {
  CertificateVerifier,
  IdentityPlugin,
  LdapDirectories,
  WebIdentityVerifier,
} from '../idp/index.js';
import { assumedRole, type RoleAssumeEnv } from './assume-role.js';
import { assumeRoleWithCertificate, type CertificateIdentityEnv } from './certificate.js';
import { assumeRoleWithCustomToken } from './custom-token.js';
import {
  checkSessionPolicy,
  credentialsXml,
  type IssuedCredentials,
  issueSession,
  managedSessionPolicies,
} from './issue.js';
import { issuedChange } from './issued.js';
import type { StsKeyring } from './keys.js';
import { assumeRoleWithLdapIdentity, type LdapIdentityEnv } from './ldap-identity.js';
import { type IssuanceLimiter, limitKey } from './limits.js';
import { durationSeconds, param, policyArns, sessionName } from './params.js';
import { packedPolicySize, requestedTags, requireTagSession } from './session-tags.js';
import { DEFAULT_STS_LIMITS, type StsApi, type StsApiRequest, type StsLimits } from './types.js';
import {
  assumeRoleWithClientGrants,
  assumeRoleWithWebIdentity,
  type WebIdentityEnv,
} from './web-identity.js';

/** The STS Query API version. */
export const STS_VERSION = '2011-06-15';
export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsApiOptions {
  iam: IamService;
  authorizer: Authorizer;
  keys: StsKeyring;
  limits?: StsLimits;
  now?: () => number;
  /** Verifies web identity tokens (OpenID Connect); without it those calls are refused. */
  webIdentity?: WebIdentityVerifier;
  /** AssumeRole with a RoleArn that names no role of this deployment: AWS's AccessDenied (default: MinIO's fallback). */
  strictRoles?: boolean;
  /** Per-principal issuance limits (limits.ts): Throttling past them. */
  limiter?: IssuanceLimiter;
  /** LDAP / Active Directory directories (docs/ldap.md); without them AssumeRoleWithLDAPIdentity is refused. */
  ldap?: LdapDirectories;
  /** Client certificates (docs/tls.md); without it AssumeRoleWithCertificate is disabled. */
  certificates?: CertificateVerifier;
  /** MinIO's identity plugin (docs/plugins.md); without it AssumeRoleWithCustomToken is disabled. */
  identityPlugin?: IdentityPlugin;
  /** An access-management plugin is configured (docs/plugins.md): role policies need not exist. */
  policyPlugin?: boolean;
}

interface Env {
  readonly o: StsApiOptions;
  readonly limits: StsLimits;
  readonly now: () => number;
}

type Handler = (env: Env, req: StsApiRequest) => Promise<XmlNode>;

/** Who may ask for temporary credentials: long-term identities (not sessions: no chaining without roles). */
function requireParent(p: Principal, action: string): SessionParent {
  const parent = sessionParentOf(p);
  if (parent !== undefined) return parent;
  throw new TesseraError(
    'AccessDenied',
    p.kind === 'anonymous'
      ? `${action} needs signed credentials.`
      : `Cannot call ${action} with session credentials`,
  );
}

/**
 * Issuing needs no Allow (MinIO: every identity may get temporary credentials for itself, with
 * at most its own permissions), but an explicit Deny of the action in the caller's policies
 * refuses it, as in AWS.
 */
async function refuseIfDenied(
  env: Env,
  req: StsApiRequest,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<void> {
  const { authorizer } = env.o;
  // No Deny statement names the action: nothing to evaluate (the common case, and the cheap one).
  if (!(await authorizer.mayDeny(req.principal, action, resource))) return;
  const base = authorizer.context(req.principal, req.context);
  // denyOnly: an access-management plugin is asked whether the issuance is denied (MinIO's DenyOnly).
  const check = { action, resource, context, denyOnly: true };
  const d = await authorizer.decide(req.principal, check, base);
  if (d.reason === 'explicitDeny') {
    const arn = req.principal.kind === 'anonymous' ? 'anonymous' : req.principal.arn;
    throw new TesseraError(
      'AccessDenied',
      `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny`,
    );
  }
}

/** Policy and PolicyArns: the session policies, checked. */
async function sessionPolicies(env: Env, req: StsApiRequest, account: string) {
  const inline = param(req.params, 'Policy');
  const policies: string[] = [];
  if (inline !== undefined) policies.push(checkSessionPolicy(inline));
  policies.push(...(await managedSessionPolicies(env.o.iam, account, policyArns(req.params))));
  return { policies, inline };
}

/**
 * AssumeRole. A RoleArn naming a role of this deployment gives a session of that role
 * (assume-role.ts); any other RoleArn (MinIO clients send arbitrary ones) gives, as MinIO's
 * AssumeRole does, a session acting as the caller narrowed by the session policy — or, with
 * strict roles, AWS's AccessDenied.
 */
const assumeRole: Handler = async (env, req) => {
  const roleArn = param(req.params, 'RoleArn') ?? '*';
  const name = sessionName(req.params);
  const raw = param(req.params, 'DurationSeconds');
  const duration = durationSeconds(req.params, env.limits);
  const requested = requestedTags(req.params);
  const role = await assumedRole(roleEnv(env), req, roleArn, {
    // Role chaining (a session assuming a role): at most one hour, as AWS.
    durationSeconds: raw === undefined ? undefined : duration,
    defaultSeconds: duration,
    sessionName: name,
    chained: req.principal.kind === 'session',
    tags: requested,
  });
  const parent: SessionParent = role?.role ?? requireParent(req.principal, 'AssumeRole');
  // Session tags (session-tags.ts): without a role, the caller's own sts:TagSession.
  if (role === undefined)
    await requireTagSession(env.o.authorizer, req.principal, roleArn, req.context, requested);
  const tags = role?.tags ?? requested;
  const seconds = role?.durationSeconds ?? duration;
  await refuseIfDenied(env, req, 'sts:AssumeRole', roleArn, {
    'sts:DurationSeconds': String(seconds),
    ...(name === undefined ? {} : { 'sts:RoleSessionName': name }),
  });
  const { policies, inline } = await sessionPolicies(env, req, parent.account);
  const packed = packedPolicySize(inline, tags);
  const issued = limited(env, req, () =>
    issueSession(env.o.keys, parent, {
      now: env.now(),
      durationSeconds: seconds,
      policies,
      ...(name === undefined ? {} : { sessionName: name }),
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
      tags,
    }),
  );
  const user =
    parent.kind === 'role'
      ? { Arn: `${parent.assumedRoleArn}/${name}`, AssumedRoleId: `${parent.roleId}:${name}` }
      : { Arn: parent.arn, AssumedRoleId: `${parent.userId}:${name ?? issued.sessionId}` };
  return {
    Credentials: credentialsXml(issued),
    AssumedRoleUser: user,
    PackedPolicySize: packed,
  };
};

/** GetSessionToken: the caller's own permissions for a while (no session policy, as AWS). */
const getSessionToken: Handler = async (env, req) => {
  const parent = requireParent(req.principal, 'GetSessionToken');
  const duration = durationSeconds(req.params, env.limits);
  await refuseIfDenied(env, req, 'sts:GetSessionToken', '*', { 'sts:DurationSeconds': String(duration) });
  const issued = limited(env, req, () =>
    issueSession(env.o.keys, parent, { now: env.now(), durationSeconds: duration }),
  );
  return { Credentials: credentialsXml(issued) };
};

/** GetCallerIdentity: who signed the request; needs no permission (AWS: not even a Deny stops it). */
const getCallerIdentity: Handler = async (env, req) => {
  const p = req.principal;
  switch (p.kind) {
    case 'anonymous':
      throw new TesseraError('AccessDenied', 'GetCallerIdentity needs signed credentials.');
    case 'root':
    case 'user':
    case 'serviceAccount':
    case 'session':
      return { Arn: p.arn, UserId: p.userId, Account: env.o.iam.arns.accountId(p.account) };
    default:
      return unhandled(p);
  }
};

/** Issues within the caller's issuance limits (Throttling past them). */
function limited(env: Env, req: StsApiRequest, issue: () => IssuedCredentials): IssuedCredentials {
  const limiter = env.o.limiter;
  return limiter === undefined ? issue() : limiter.issue(limitKey(req.principal), env.now(), issue);
}

function roleEnv(env: Env): RoleAssumeEnv {
  return { iam: env.o.iam, authorizer: env.o.authorizer, strictRoles: env.o.strictRoles === true };
}

function webEnv(env: Env): WebIdentityEnv {
  return {
    iam: env.o.iam,
    keys: env.o.keys,
    limits: env.limits,
    now: env.now,
    verifier: env.o.webIdentity,
    ...(env.o.limiter === undefined ? {} : { limiter: env.o.limiter }),
  };
}

function ldapEnv(env: Env): LdapIdentityEnv {
  return {
    iam: env.o.iam,
    keys: env.o.keys,
    limits: env.limits,
    now: env.now,
    directories: env.o.ldap,
    ...(env.o.limiter === undefined ? {} : { limiter: env.o.limiter }),
  };
}

function certificateEnv(env: Env): CertificateIdentityEnv {
  return {
    iam: env.o.iam,
    keys: env.o.keys,
    limits: env.limits,
    now: env.now,
    verifier: env.o.certificates,
    ...(env.o.limiter === undefined ? {} : { limiter: env.o.limiter }),
  };
}

const handlers: Readonly<Record<string, Handler>> = Object.freeze({
  AssumeRole: assumeRole,
  GetSessionToken: getSessionToken,
  GetCallerIdentity: getCallerIdentity,
  AssumeRoleWithWebIdentity: (env, req) => assumeRoleWithWebIdentity(webEnv(env), req),
  AssumeRoleWithClientGrants: (env, req) => assumeRoleWithClientGrants(webEnv(env), req),
  AssumeRoleWithLDAPIdentity: (env, req) => assumeRoleWithLdapIdentity(ldapEnv(env), req),
  AssumeRoleWithCertificate: (env, req) => assumeRoleWithCertificate(certificateEnv(env), req),
  AssumeRoleWithCustomToken: (env, req) =>
    assumeRoleWithCustomToken(
      {
        iam: env.o.iam,
        keys: env.o.keys,
        limits: env.limits,
        now: env.now,
        plugin: env.o.identityPlugin,
        policyPlugin: env.o.policyPlugin === true,
        ...(env.o.limiter === undefined ? {} : { limiter: env.o.limiter }),
      },
      req,
    ),
});

/** The supported Action names, sorted. */
export const stsApiActions: readonly string[] = Object.keys(handlers).sort();

/**
 * The AWS STS Query API (version 2011-06-15): temporary credentials whose token is
 * self-contained (token.ts), so issuing writes nothing.
 * @example const api = createStsApi({ iam, authorizer, keys: StsKeyring.derive(masterKey.key) });
 */
export function createStsApi(o: StsApiOptions): StsApi {
  const env: Env = { o, limits: o.limits ?? DEFAULT_STS_LIMITS, now: o.now ?? Date.now };
  return async (req) => {
    const action = req.params.get('Action') ?? '';
    const version = req.params.get('Version');
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (handler === undefined || (version !== null && version !== STS_VERSION)) {
      throw new TesseraError(
        'InvalidAction',
        `Could not find operation ${action.slice(0, 100)} for version ${(version ?? 'NO_VERSION_SPECIFIED').slice(0, 40)}`,
      );
    }
    const result = await handler(env, req);
    const body = renderXml(
      `${action}Response`,
      { [`${action}Result`]: result, ResponseMetadata: { RequestId: req.requestId } },
      STS_NS,
    );
    // Issued credentials go into the audit entry (issued.ts): ids and times, never secrets.
    const change = issuedChange(action, req, result);
    return change === undefined ? { status: 200, body } : { status: 200, body, change };
  };
}
