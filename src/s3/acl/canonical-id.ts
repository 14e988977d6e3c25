import type { Principal } from '../../core/index.js';
import type { BucketRecord } from '../../storage/index.js';
import type { S3Deps } from '../context.js';

/**
 * Canonical user ids, the identities ACLs name. Every lookup goes through this file so that
 * accounts (tenants) plug in here: today there is one default account, whose canonical id is
 * `deps.owner.id`; every authenticated principal has it, and anonymous callers have none.
 */
type Owner = Pick<S3Deps, 'owner'>;

/** The canonical id of the account that owns `bucket`. */
export function bucketOwnerId(deps: Owner, _bucket?: Pick<BucketRecord, 'account'>): string {
  return deps.owner.id;
}

/** The caller's canonical id: its account's; undefined for anonymous callers. */
export function callerCanonicalId(
  deps: Owner,
  caller: Pick<Principal, 'kind'> | { anonymous: boolean },
): string | undefined {
  const anonymous = 'anonymous' in caller ? caller.anonymous : caller.kind === 'anonymous';
  return anonymous ? undefined : deps.owner.id;
}

/** The display name of a canonical id, when it is an account's. */
export function displayNameOf(deps: Owner, id: string): string | undefined {
  return id === deps.owner.id ? deps.owner.displayName : undefined;
}

/** Whether a canonical id names an account (grants to unknown ids are InvalidArgument, as in AWS). */
export function isKnownCanonicalId(deps: Owner, id: string): boolean {
  return id === deps.owner.id;
}

/**
 * The canonical id of the account an e-mail address belongs to; undefined when none does
 * (UnresolvableGrantByEmailAddress). Accounts have no e-mail addresses yet.
 */
export function canonicalIdOfEmail(_deps: Owner, _email: string): string | undefined {
  return undefined;
}
