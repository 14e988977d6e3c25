import { type Principal, type PrincipalKind, unhandled } from '../core/index.js';
import type { AuthzPrincipal } from '../policy/index.js';
import { isLdapIdentity } from './ldap-cache.js';

/** aws:PrincipalType as AWS names it. */
const principalType: Record<PrincipalKind, string> = {
  root: 'Account',
  user: 'User',
  serviceAccount: 'User',
  // GetSessionToken / AssumeRole without a role: the parent's type (set below).
  session: 'User',
  anonymous: 'Anonymous',
};

/**
 * The condition keys a principal supplies: aws:username (the parent user for service accounts),
 * aws:userid, aws:PrincipalType, aws:PrincipalArn, aws:PrincipalAccount, aws:groups and
 * aws:PrincipalTag/<key>. Anonymous callers supply only aws:PrincipalType.
 * @example { ...principalContext(p, iam.arns.accountId(p.account)), 'aws:SourceIp': ip }
 */
export function principalContext(p: Principal, accountId: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { 'aws:PrincipalType': principalType[p.kind] };
  switch (p.kind) {
    case 'anonymous':
      return out;
    case 'root':
      out['aws:PrincipalAccount'] = accountId;
      out['aws:PrincipalArn'] = p.arn;
      out['aws:userid'] = p.userId;
      return out;
    case 'session':
      out['aws:PrincipalAccount'] = accountId;
      out['aws:PrincipalArn'] = p.arn;
      out['aws:userid'] = p.userId;
      if (p.parent.kind === 'role') {
        // An assumed-role session (AWS): aws:PrincipalArn is the role's ARN, aws:userid
        // `<role id>:<session>`, the role's tags (under its session tags) are principal tags;
        // there is no aws:username.
        out['aws:PrincipalType'] = 'AssumedRole';
        out['aws:PrincipalArn'] = p.parent.arn;
        for (const [k, v] of Object.entries(p.tags)) out[`aws:PrincipalTag/${k}`] = v;
        return out;
      }
      if (p.parent.kind === 'federated') {
        // A web identity: AWS's AssumedRole, with the token's claims as jwt:<claim>; an LDAP
        // user's as ldap:<name> (username, user, attributes) and its current ldap:groups.
        out['aws:PrincipalType'] = 'AssumedRole';
        const ldap = isLdapIdentity(p.parent);
        const prefix = ldap ? 'ldap:' : 'jwt:';
        for (const [k, v] of Object.entries(p.parent.claims))
          out[`${prefix}${k}`] = typeof v === 'string' ? v : [...v];
        if (ldap) out['ldap:groups'] = [...p.parent.groups];
        // Its session tags (the token's https://aws.amazon.com/tags claim).
        for (const [k, v] of Object.entries(p.tags)) out[`aws:PrincipalTag/${k}`] = v;
        return out;
      }
      out['aws:PrincipalType'] = principalType[p.parent.kind];
      if (p.parent.kind !== 'root') {
        out['aws:username'] = p.name;
        out['aws:groups'] = [...p.groups];
      }
      // The user's tags with the session tags over them (root has none of its own).
      for (const [k, v] of Object.entries(p.tags)) out[`aws:PrincipalTag/${k}`] = v;
      return out;
    case 'user':
    case 'serviceAccount':
      out['aws:PrincipalAccount'] = accountId;
      out['aws:PrincipalArn'] = p.arn;
      out['aws:userid'] = p.userId;
      out['aws:username'] = p.name;
      out['aws:groups'] = [...p.groups];
      for (const [k, v] of Object.entries(p.tags)) out[`aws:PrincipalTag/${k}`] = v;
      return out;
    default:
      return unhandled(p);
  }
}

/**
 * The principal as the policy engine's combination rules see it (policy.authorize), and as a
 * resource policy's Principal element matches it: its kind, ARN and account id.
 */
export function authzPrincipal(p: Principal, accountId: string): AuthzPrincipal {
  switch (p.kind) {
    case 'anonymous':
      return { type: 'anonymous', anonymous: true };
    case 'session':
      // A role's session is named by its assumed-role ARN and, in resource policies, the role's.
      return p.parent.kind === 'role'
        ? { type: p.kind, arn: p.arn, account: accountId, aliases: [p.parent.arn] }
        : { type: p.kind, arn: p.arn, account: accountId };
    case 'root':
    case 'user':
    case 'serviceAccount':
      return { type: p.kind, arn: p.arn, account: accountId };
    default:
      return unhandled(p);
  }
}
