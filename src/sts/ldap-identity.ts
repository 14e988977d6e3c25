import { TesseraError, withReason, type XmlNode } from '../core/index.js';
import type { IamService } from '../iam/index.js';
import type { LdapDirectories } from '../idp/index.js';
import { checkSessionPolicy, credentialsXml, issueSession, managedSessionPolicies } from './issue.js';
import type { StsKeyring } from './keys.js';
import { type IssuanceLimiter, limitKey } from './limits.js';
import { durationSeconds, param, policyArns, sessionName } from './params.js';
import type { StsApiRequest, StsLimits } from './types.js';

/** What AssumeRoleWithLDAPIdentity needs from the API. */
export interface LdapIdentityEnv {
  readonly iam: IamService;
  readonly keys: StsKeyring;
  readonly limits: StsLimits;
  readonly now: () => number;
  /** The configured directories (docs/ldap.md); without them the call is refused. */
  readonly directories: LdapDirectories | undefined;
  readonly limiter?: IssuanceLimiter;
}

/** A session name from a username: AWS's character set, 2-64 characters. */
function nameFrom(username: string): string {
  const cleaned = username.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/**
 * MinIO's AssumeRoleWithLDAPIdentity (unsigned, like AssumeRoleWithWebIdentity): LDAPUsername
 * and LDAPPassword are proved by the directory (idp/ldap: lookup bind, exactly one match, bind
 * as the user, group search); the session's permissions are the policies mapped to the user's
 * DN and group DNs, resolved on every request (iam/ldap-cache.ts), narrowed by Policy and
 * PolicyArns. Wrong password, unknown user, several matches, an empty password and no mapped
 * policy are AccessDenied; an unreachable directory IDPCommunicationError.
 */
export async function assumeRoleWithLdapIdentity(env: LdapIdentityEnv, req: StsApiRequest): Promise<XmlNode> {
  const username = param(req.params, 'LDAPUsername', true);
  const password = param(req.params, 'LDAPPassword', true);
  if (username === '') {
    throw new TesseraError('MissingParameter', 'The request must contain the parameter LDAPUsername');
  }
  if (env.directories === undefined) {
    throw new TesseraError('InvalidParameterValue', 'No LDAP directory is configured on this server.');
  }
  const duration = durationSeconds(req.params, env.limits);
  const account = '';
  const inline = param(req.params, 'Policy');
  const policies = inline === undefined ? [] : [checkSessionPolicy(inline)];
  policies.push(...(await managedSessionPolicies(env.iam, account, policyArns(req.params))));
  const name = sessionName(req.params) ?? nameFrom(username);
  // An anonymous bind must never count as a login (the directories refuse it too).
  if (password === '')
    throw withReason(
      new TesseraError('AccessDenied', 'Access denied: the LDAP password is empty.'),
      'empty-password',
    );
  const login = await env.directories.login(username, password);
  const mapped = await env.iam.ldap.mappedPolicies(account, login);
  if (mapped.length === 0) {
    throw withReason(
      new TesseraError(
        'AccessDenied',
        'Access denied: no policy is mapped to the LDAP user or to any of its groups.',
      ),
      'no-mapped-policy',
    );
  }
  const federated = env.iam.ldap.identity(login, account);
  const now = env.now();
  const issue = () =>
    issueSession(env.keys, federated, {
      now,
      durationSeconds: duration,
      policies,
      sessionName: name,
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
    });
  const issued = env.limiter === undefined ? issue() : env.limiter.issue(limitKey(federated), now, issue);
  // The user's state (active), groups and last login; its directory user just in time.
  await env.iam.ldap.recordLogin(login, account);
  return { Credentials: credentialsXml(issued) };
}
