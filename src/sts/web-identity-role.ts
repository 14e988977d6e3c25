import { TesseraError, type XmlNode } from '../core/index.js';
import { type IamOidcProvider, type IamRole, Lru } from '../iam/index.js';
import {
  createOpenIdVerifier,
  DEFAULT_ALGORITHMS,
  DEFAULT_LEEWAY_SECONDS,
  type OpenIdProviderConfig,
  type VerifiedIdentity,
  type WebIdentityVerifier,
} from '../idp/index.js';
import { evaluate } from '../policy/index.js';
import { compiledTrust } from './assume-role.js';
import { checkSessionPolicy, credentialsXml, issueSession, managedSessionPolicies } from './issue.js';
import { limitKey } from './limits.js';
import { durationSeconds, param, policyArns, sessionName } from './params.js';
import { hasTags, packedPolicySize, requestTagContext, tagsFromClaims } from './session-tags.js';
import type { StsApiRequest } from './types.js';
import type { WebIdentityEnv } from './web-identity.js';

/**
 * AssumeRoleWithWebIdentity into a role of this deployment (docs/sts.md "Web identity into
 * roles"), as AWS decides it: the token is verified for its issuer, an IAM OIDC provider of the
 * role's account (`https://<Url>`, its aud one of the provider's ClientIDList, its keys found by
 * discovery) or one of the OpenID providers the server is configured with; the role's trust
 * policy must allow sts:AssumeRoleWithWebIdentity for `Principal: {Federated:
 * "arn:aws:iam::<account>:oidc-provider/<host/path>"}` — naming it exactly — with the
 * conditions `<host/path>:sub`, `:aud`, `:azp`, `:amr` over the token; session tags of its
 * `https://aws.amazon.com/tags` claim need sts:TagSession in the same trust policy.
 */

/** Verifiers of IAM OIDC providers by url and client ids (a changed list is another verifier). */
const verifiers = new Lru<string, WebIdentityVerifier>(100);

function configs(p: IamOidcProvider): OpenIdProviderConfig[] {
  // One per client id: the verifier picks the one the token's aud (or azp) names.
  return p.clientIds.map((clientId) => ({
    name: p.url,
    configUrl: `https://${p.url}/.well-known/openid-configuration`,
    clientId,
    claimName: 'policy',
    claimPrefix: '',
    // A role-policy provider with no policies: the role's policies decide, not the claims.
    rolePolicy: [],
    roleArn: 'arn:minio:iam:::role/iam-oidc-provider',
    scopes: [],
    claimUserinfo: false,
    groupsClaim: 'groups',
    leewaySeconds: DEFAULT_LEEWAY_SECONDS,
    algorithms: DEFAULT_ALGORITHMS,
  }));
}

function providerVerifier(p: IamOidcProvider): WebIdentityVerifier {
  const key = `${p.url}\u0000${p.clientIds.join('\u0000')}`;
  let v = verifiers.get(key);
  if (v === undefined) {
    v = createOpenIdVerifier(configs(p));
    verifiers.set(key, v);
  }
  return v;
}

function invalidToken(message: string): TesseraError {
  return new TesseraError('InvalidIdentityToken', message.slice(0, 600));
}

/** The token's claims, unverified (to find its issuer), or InvalidIdentityToken. */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && !Array.isArray(claims))
      return claims as Record<string, unknown>;
  } catch {
    // below
  }
  throw invalidToken('the token is not a JWT (its payload is not base64url JSON).');
}

/** `<host/path>` of an issuer: the provider's name in ARNs and condition keys. */
function providerName(issuer: string): string {
  return issuer.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
}

async function verified(
  env: WebIdentityEnv,
  account: string,
  token: string,
  roleArn: string,
): Promise<VerifiedIdentity> {
  if (token.length > 16 * 1024) throw invalidToken('the token is larger than 16 KiB.');
  const iss = claimsOf(token)['iss'];
  if (typeof iss !== 'string' || iss === '') throw invalidToken('the token has no iss claim.');
  const now = env.now();
  const provider = await env.iam.oidcProviders.forIssuer(account, iss);
  if (provider !== undefined) {
    if (provider.clientIds.length === 0) throw invalidToken('Incorrect token audience');
    return providerVerifier(provider).verify(token, { now, roleArn, intoRole: true });
  }
  if (env.verifier !== undefined) return env.verifier.verify(token, { now, roleArn, intoRole: true });
  throw invalidToken(`No OpenIDConnect provider found in your account for ${iss.slice(0, 200)}`);
}

/** The role of this deployment that `roleArn` names, or undefined. */
async function findRole(env: WebIdentityEnv, roleArn: string): Promise<IamRole | undefined> {
  const parsed = env.iam.arns.parseRole(roleArn);
  if (parsed === undefined) return undefined;
  const role = await env.iam.roles.find(parsed.account, parsed.name);
  return role !== undefined && role.arn === env.iam.arns.role(parsed.account, parsed.path, role.name)
    ? role
    : undefined;
}

const DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

/**
 * The answer of AssumeRoleWithWebIdentity when RoleArn names a role of this deployment;
 * undefined otherwise (the claim-mapped session of web-identity.ts).
 */
export async function webIdentityIntoRole(
  env: WebIdentityEnv,
  req: StsApiRequest,
): Promise<XmlNode | undefined> {
  const roleArn = param(req.params, 'RoleArn');
  if (roleArn === undefined) return undefined;
  const role = await findRole(env, roleArn);
  if (role === undefined) return undefined;
  const token = param(req.params, 'WebIdentityToken', true);
  const name = sessionName(req.params);
  if (name === undefined) {
    throw new TesseraError(
      'ValidationError',
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  }
  const requestedSeconds = param(req.params, 'DurationSeconds');
  const duration = durationSeconds(req.params, env.limits);
  if (requestedSeconds !== undefined && duration > role.maxSessionDuration) {
    throw new TesseraError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const seconds = requestedSeconds === undefined ? Math.min(duration, role.maxSessionDuration) : duration;
  const inline = param(req.params, 'Policy');
  const policies = inline === undefined ? [] : [checkSessionPolicy(inline)];
  policies.push(...(await managedSessionPolicies(env.iam, role.account, policyArns(req.params))));

  const identity = await verified(env, role.account, token, roleArn);
  const host = providerName(identity.issuer);
  const providerArn = env.iam.oidcProviders.arn(role.account, host);
  // Verified: the same payload the signature covers.
  const claims = claimsOf(token);
  const tags = tagsFromClaims(claims);
  const context: Record<string, string | string[]> = {
    ...req.context,
    'aws:FederatedProvider': providerArn,
    'sts:RoleSessionName': name,
    'sts:DurationSeconds': String(seconds),
    [`${host}:sub`]: identity.subject,
    [`${host}:aud`]: identity.audience,
    ...requestTagContext(tags),
  };
  for (const k of ['amr', 'azp']) {
    const v = claims[k];
    if (typeof v === 'string') context[`${host}:${k}`] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
      context[`${host}:${k}`] = v as string[];
  }
  const trust = compiledTrust(role);
  const principal = { arn: providerArn };
  for (const action of hasTags(tags)
    ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']
    : ['sts:AssumeRoleWithWebIdentity']) {
    const out = { grant: 0 as 0 | 1 | 2 | 3 };
    const d = evaluate([trust], { action, resource: role.arn, context, principal }, {}, out);
    // Only a statement naming the provider itself trusts its tokens (not `*`, not the account).
    if (!d.allowed || out.grant !== 3) throw new TesseraError('AccessDenied', DENIED);
  }

  const parent = env.iam.roles.identity(role);
  const packed = packedPolicySize(inline, tags);
  const now = env.now();
  const issue = () =>
    issueSession(env.keys, parent, {
      now,
      durationSeconds: seconds,
      policies,
      sessionName: name,
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
      tags,
    });
  const c = env.limiter === undefined ? issue() : env.limiter.issue(limitKey(parent), now, issue);
  return {
    Credentials: credentialsXml(c),
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: { Arn: `${parent.assumedRoleArn}/${name}`, AssumedRoleId: `${parent.roleId}:${name}` },
    Provider: identity.issuer,
    Audience: identity.audience,
    PackedPolicySize: packed,
  };
}

/** The session tags of a verified token (its `https://aws.amazon.com/tags` claim), within the packed limit. */
export function tokenTags(token: string): ReturnType<typeof tagsFromClaims> {
  const tags = tagsFromClaims(claimsOf(token));
  packedPolicySize(undefined, tags);
  return tags;
}
