import { type FederatedIdentity, TesseraError, type XmlNode } from '../core/index.js';
import type { IamService } from '../iam/index.js';
import type { VerifiedIdentity, WebIdentityVerifier } from '../idp/index.js';
import { checkSessionPolicy, credentialsXml, type IssuedCredentials, issueSession } from './issue.js';
import type { StsKeyring } from './keys.js';
import { type IssuanceLimiter, limitKey } from './limits.js';
import { durationSeconds, param, sessionName } from './params.js';
import type { StsApiRequest, StsLimits } from './types.js';
import { tokenTags, webIdentityIntoRole } from './web-identity-role.js';

/** What the web identity calls need from the API. */
export interface WebIdentityEnv {
  readonly iam: IamService;
  readonly keys: StsKeyring;
  readonly limits: StsLimits;
  readonly now: () => number;
  readonly verifier: WebIdentityVerifier | undefined;
  /** Per-principal issuance limits (limits.ts). */
  readonly limiter?: IssuanceLimiter;
}

/** A session name from a subject: AWS's character set, 2-64 characters. */
function nameFrom(subject: string): string {
  const cleaned = subject.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/** The role name an ARN ends with (`…:role/<name>`), for the session's ARN. */
function roleName(roleArn: string | undefined, fallback: string): string {
  const at = roleArn?.lastIndexOf(':role/') ?? -1;
  return at < 0
    ? fallback
    : roleArn!
        .slice(at + ':role/'.length)
        .split('/')
        .pop() || fallback;
}

/** Every policy the claims name must exist (a built-in or one of the account's), as MinIO checks. */
async function checkPolicies(iam: IamService, account: string, v: VerifiedIdentity): Promise<void> {
  if (v.policies.length === 0) {
    throw new TesseraError(
      'IDPRejectedClaim',
      'The token’s claims map to no policy: no credentials are issued.',
    );
  }
  for (const name of v.policies) {
    try {
      await iam.policies.get(account, name);
    } catch (e) {
      if (e instanceof TesseraError && e.code === 'NoSuchEntity') {
        throw new TesseraError(
          'IDPRejectedClaim',
          `The policy ${name.slice(0, 128)} named by the token’s claims does not exist.`,
        );
      }
      throw e;
    }
  }
}

async function federatedSession(
  env: WebIdentityEnv,
  req: StsApiRequest,
  tokenParam: 'WebIdentityToken' | 'Token',
): Promise<{ issued: IssuedCredentials; identity: VerifiedIdentity; federated: FederatedIdentity }> {
  const token = param(req.params, tokenParam, true);
  if (env.verifier === undefined) {
    throw new TesseraError(
      'InvalidIdentityToken',
      'No OpenID Connect provider is configured on this server.',
    );
  }
  const roleArn = param(req.params, 'RoleArn');
  const duration = durationSeconds(req.params, env.limits);
  const inline = param(req.params, 'Policy');
  const policies = inline === undefined ? [] : [checkSessionPolicy(inline)];
  const now = env.now();
  const identity = await env.verifier.verify(token, { now, ...(roleArn === undefined ? {} : { roleArn }) });
  const account = '';
  await checkPolicies(env.iam, account, identity);
  const session = sessionName(req.params) ?? nameFrom(identity.subject);
  const accountId = env.iam.arns.accountId(account);
  const federated: FederatedIdentity = {
    kind: 'federated',
    account,
    source: `openid:${identity.provider}`,
    issuer: identity.issuer,
    subject: identity.subject,
    name: identity.name,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName(roleArn, identity.provider)}/${session}`,
    userId: `${identity.provider}:${identity.subject}`,
    policies: identity.policies,
    groups: identity.groups,
    claims: identity.claims,
  };
  const tags = tokenTags(token);
  const issue = () =>
    issueSession(env.keys, federated, {
      now,
      durationSeconds: duration,
      policies,
      sessionName: session,
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
      tags,
    });
  const issued = env.limiter === undefined ? issue() : env.limiter.issue(limitKey(federated), now, issue);
  // Just-in-time provisioning (docs/openid.md): a write only at the first login and now and then.
  await env.iam.federatedUsers.recordLogin(federated);
  return { issued, identity, federated };
}

/**
 * AssumeRoleWithWebIdentity: an OpenID Connect token (unsigned request, as AWS's) for
 * credentials with the policies its claims name (MinIO's claim-based mode), narrowed by a
 * session policy.
 */
export async function assumeRoleWithWebIdentity(env: WebIdentityEnv, req: StsApiRequest): Promise<XmlNode> {
  // A RoleArn naming a role of this deployment: its trust policy decides (web-identity-role.ts).
  const intoRole = await webIdentityIntoRole(env, req);
  if (intoRole !== undefined) return intoRole;
  const { issued, identity, federated } = await federatedSession(env, req, 'WebIdentityToken');
  return {
    Credentials: credentialsXml(issued),
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: { Arn: federated.arn, AssumedRoleId: federated.userId },
    Provider: identity.issuer,
    Audience: identity.audience,
    PackedPolicySize: issued.packedPolicySize,
  };
}

/** MinIO's AssumeRoleWithClientGrants: the same, with the token in `Token`. */
export async function assumeRoleWithClientGrants(env: WebIdentityEnv, req: StsApiRequest): Promise<XmlNode> {
  const { issued, identity, federated } = await federatedSession(env, req, 'Token');
  return {
    Credentials: credentialsXml(issued),
    SubjectFromToken: identity.subject,
    AssumedRoleUser: { Arn: federated.arn, AssumedRoleId: federated.userId },
    Audience: identity.audience,
  };
}

/** The calls that carry their own proof (a token) and are accepted unsigned. */
export const UNSIGNED_STS_ACTIONS: ReadonlySet<string> = new Set([
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithClientGrants',
  // Its proof is the directory password (ldap-identity.ts).
  'AssumeRoleWithLDAPIdentity',
  // Its proof is the TLS client certificate (certificate.ts).
  'AssumeRoleWithCertificate',
  // Its proof is the token the identity plugin vouches for (custom-token.ts).
  'AssumeRoleWithCustomToken',
]);
