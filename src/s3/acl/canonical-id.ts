import { type Principal, sha256Hex } from '../../core/index.js';
import type { BucketRecord } from '../../storage/index.js';
import type { S3Deps } from '../context.js';

/**
 * Canonical user ids, the identities ACLs name. Every lookup goes through this file so that
 * accounts (tenants) plug in here: the default account's canonical id is `deps.owner.id`, other
 * accounts' come from accountCanonicalId; anonymous callers have none.
 */
type Owner = Pick<S3Deps, 'owner'>;

/**
 * The canonical id of an account (docs/accounts.md): the default account's is `deps.owner.id`;
 * another's is the SHA-256 (64 hex digits) of a fixed prefix and its id.
 */
export function accountCanonicalId(deps: Owner, account: string): string {
  return account === '' ? deps.owner.id : sha256Hex(`tessera-account:${account}`);
}

/** The canonical id of the account that owns `bucket` (without one: the default account's). */
export function bucketOwnerId(deps: Owner, bucket?: Pick<BucketRecord, 'account'>): string {
  return accountCanonicalId(deps, bucket?.account ?? '');
}

/** The caller's canonical id: its account's; undefined for anonymous callers. */
export function callerCanonicalId(
  deps: Owner,
  caller: Pick<Principal, 'kind' | 'account'> | { anonymous: boolean; account?: string | undefined },
): string | undefined {
  const anonymous = 'anonymous' in caller ? caller.anonymous : caller.kind === 'anonymous';
  return anonymous ? undefined : accountCanonicalId(deps, caller.account ?? '');
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
