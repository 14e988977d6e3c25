import type { Principal } from '../core/index.js';

/** aws:PrincipalType as AWS names it. */
const principalType: Record<Principal['type'], string> = {
  root: 'Account',
  user: 'User',
  serviceAccount: 'User',
  anonymous: 'Anonymous',
};

/**
 * The condition keys a principal supplies: aws:username (the parent user for service accounts),
 * aws:userid, aws:PrincipalType, aws:PrincipalArn, aws:PrincipalAccount, aws:groups and
 * aws:PrincipalTag/<key>. Anonymous callers supply only aws:PrincipalType.
 * @example { ...principalContext(p, iam.arns.accountId(p.account)), 'aws:SourceIp': ip }
 */
export function principalContext(p: Principal, accountId: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { 'aws:PrincipalType': principalType[p.type] };
  if (p.type === 'anonymous') return out;
  out['aws:PrincipalAccount'] = accountId;
  if (p.arn !== undefined) out['aws:PrincipalArn'] = p.arn;
  if (p.userId !== undefined) out['aws:userid'] = p.userId;
  if (p.name !== undefined && p.type !== 'root') out['aws:username'] = p.name;
  if (p.groups !== undefined) out['aws:groups'] = [...p.groups];
  for (const [k, v] of Object.entries(p.tags ?? {})) out[`aws:PrincipalTag/${k}`] = v;
  return out;
}
