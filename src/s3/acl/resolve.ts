import { TesseraError } from '../../core/index.js';
import type { S3Deps } from '../context.js';
import { canonicalIdOfEmail, isKnownCanonicalId } from './canonical-id.js';
import { type AclGrant, dedupeGrants, type RequestedAcl, type StoredAcl } from './model.js';

/**
 * A requested ACL as it is stored: e-mail grantees resolved to canonical ids ("The resulting ACLs
 * always contain the canonical user ID") or UnresolvableGrantByEmailAddress; a canonical id no
 * account has is InvalidArgument ("Invalid id"); an Owner other than the resource's owner is
 * AccessDenied (an ACL never changes ownership).
 */
export async function resolveAcl(
  deps: Pick<S3Deps, 'owner' | 'accounts'>,
  requested: RequestedAcl,
  owner: string,
): Promise<StoredAcl> {
  if (requested.owner !== undefined && requested.owner !== owner) throw new TesseraError('AccessDenied');
  const grants: AclGrant[] = [];
  for (const g of requested.grants) {
    const e = g.grantee;
    if (e.type === 'AmazonCustomerByEmail') {
      const id = canonicalIdOfEmail(deps, e.email);
      if (id === undefined) throw new TesseraError('UnresolvableGrantByEmailAddress');
      grants.push({ grantee: { type: 'CanonicalUser', id }, permission: g.permission });
      continue;
    }
    if (e.type === 'CanonicalUser' && !(await isKnownCanonicalId(deps, e.id)))
      throw new TesseraError('InvalidArgument', 'Invalid id', {
        ArgumentName: 'CanonicalUser/ID',
        ArgumentValue: e.id,
      });
    grants.push({ grantee: e, permission: g.permission });
  }
  return { owner, grants: dedupeGrants(grants) };
}
