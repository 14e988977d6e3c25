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
export function resolveAcl(deps: Pick<S3Deps, 'owner'>, requested: RequestedAcl, owner: string): StoredAcl {
  if (requested.owner !== undefined && requested.owner !== owner) throw new TesseraError('AccessDenied');
  const grants: AclGrant[] = requested.grants.map((g) => {
    const e = g.grantee;
    if (e.type === 'AmazonCustomerByEmail') {
      const id = canonicalIdOfEmail(deps, e.email);
      if (id === undefined) throw new TesseraError('UnresolvableGrantByEmailAddress');
      return { grantee: { type: 'CanonicalUser', id }, permission: g.permission };
    }
    if (e.type === 'CanonicalUser' && !isKnownCanonicalId(deps, e.id))
      throw new TesseraError('InvalidArgument', 'Invalid id', {
        ArgumentName: 'CanonicalUser/ID',
        ArgumentValue: e.id,
      });
    return { grantee: e, permission: g.permission };
  });
  return { owner, grants: dedupeGrants(grants) };
}
