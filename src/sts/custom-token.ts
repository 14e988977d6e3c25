import { type FederatedIdentity, TesseraError, type XmlNode } from '../core/index.js';
import type { IamService } from '../iam/index.js';
import { type IdentityPlugin, sameRoleArn } from '../idp/index.js';
import { checkSessionPolicy, credentialsXml, issueSession } from './issue.js';
import type { StsKeyring } from './keys.js';
import { type IssuanceLimiter, limitKey } from './limits.js';
import { durationSeconds, param, sessionName } from './params.js';
import type { StsApiRequest, StsLimits } from './types.js';

/** What AssumeRoleWithCustomToken needs from the API. */
export interface CustomTokenEnv {
  readonly iam: IamService;
  readonly keys: StsKeyring;
  readonly limits: StsLimits;
  readonly now: () => number;
  /** The identity plugin (docs/plugins.md); without it the call is refused. */
  readonly plugin: IdentityPlugin | undefined;
  /**
   * An access-management plugin decides every request: the role policies need not exist (MinIO
   * checks them only without one).
   */
  readonly policyPlugin: boolean;
  readonly limiter?: IssuanceLimiter;
}

/** The identity source of plugin sessions: the audit trail shows `plugin:<user>`. */
export const PLUGIN_SOURCE = 'plugin';

/** A session name from the plugin's user: AWS's character set, 2-64 characters. */
function nameFrom(user: string): string {
  const cleaned = user.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/** "None of the given policies are defined, credentials will not be generated" (MinIO). */
async function requireSomePolicy(iam: IamService, account: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await iam.policies.get(account, name);
      return;
    } catch (e) {
      if (!(e instanceof TesseraError && e.code === 'NoSuchEntity')) throw e;
    }
  }
  throw new TesseraError(
    'InvalidParameterValue',
    `None of the given policies (${names.join(',').slice(0, 300)}) are defined, credentials will not be generated`,
  );
}

/**
 * MinIO's AssumeRoleWithCustomToken (unsigned, like AssumeRoleWithWebIdentity): `Token` is opaque
 * here and sent to the identity plugin; RoleArn must be the plugin's. The session has the
 * plugin's role policies (MinIO's role_policy: a `policy` claim is not honoured), narrowed by
 * Policy; it lasts DurationSeconds (default 1 h) at most the plugin's maxValiditySeconds. Its
 * identity is `plugin:<user>`; MinIO's `custom:<user>` is its aws:userid and AssumedUser.
 * Errors: a refusal is AccessDenied with the plugin's reason; an unreachable, slow or broken
 * plugin IDPCommunicationError.
 */
export async function assumeRoleWithCustomToken(env: CustomTokenEnv, req: StsApiRequest): Promise<XmlNode> {
  const plugin = env.plugin;
  if (plugin === undefined) {
    throw new TesseraError(
      'InvalidParameterValue',
      "STS API 'AssumeRoleWithCustomToken' is disabled: no identity plugin is configured on this server.",
    );
  }
  const token = param(req.params, 'Token', true);
  if (token === '')
    throw new TesseraError('InvalidParameterValue', 'Invalid empty `Token` parameter provided');
  const roleArn = param(req.params, 'RoleArn', true);
  if (!sameRoleArn(roleArn, plugin.roleArn)) {
    throw new TesseraError(
      'InvalidParameterValue',
      `Error processing parameter RoleArn: ${roleArn.slice(0, 200)} is not the identity plugin's role (${plugin.roleArn}).`,
    );
  }
  const requested = durationSeconds(req.params, env.limits);
  const inline = param(req.params, 'Policy');
  const policies = inline === undefined ? [] : [checkSessionPolicy(inline)];
  const account = '';
  const rolePolicy = plugin.config.rolePolicy;
  if (!env.policyPlugin) await requireSomePolicy(env.iam, account, rolePolicy);
  const who = await plugin.authenticate(token);
  // "Expiry is set as minimum of requested value and value allowed by auth plugin."
  const duration = Math.min(requested, who.maxValiditySeconds);
  const session = sessionName(req.params) ?? nameFrom(who.user);
  const accountId = env.iam.arns.accountId(account);
  const roleName = plugin.roleArn.slice(plugin.roleArn.lastIndexOf('/') + 1);
  const federated: FederatedIdentity = {
    kind: 'federated',
    account,
    source: PLUGIN_SOURCE,
    issuer: plugin.roleArn,
    subject: who.user,
    name: who.user,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`,
    userId: `custom:${who.user}`,
    policies: rolePolicy,
    groups: [],
    claims: who.claims,
  };
  const now = env.now();
  const issue = () =>
    issueSession(env.keys, federated, {
      now,
      durationSeconds: duration,
      policies,
      sessionName: session,
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
    });
  const issued = env.limiter === undefined ? issue() : env.limiter.issue(limitKey(federated), now, issue);
  // Just-in-time provisioning, as for OpenID identities (docs/openid.md): user `plugin.<user>`.
  await env.iam.federatedUsers.recordLogin(federated);
  return { Credentials: credentialsXml(issued), AssumedUser: federated.userId };
}
