import { type Principal, sha256Hex } from '../../core/index.js';
import type { S3Deps } from '../context.js';

/**
 * Canonical user ids, the identities ACLs name (docs/acl.md "Accounts"). Every lookup goes
 * through this file: the default account's canonical id is `deps.owner.id`, every other
 * account's is accountCanonicalId's; anonymous callers have none.
 */
type Owner = Pick<S3Deps, 'owner'>;
type WithAccounts = Pick<S3Deps, 'owner' | 'accounts'>;

/** account id → canonical id, remembered (a SHA-256 per account, computed once). */
const computed = new Map<string, string>();

/**
 * The canonical id of an account (docs/accounts.md): the default account's is `deps.owner.id`;
 * another's is the SHA-256 (64 hex digits) of a fixed prefix and its id.
 */
export function accountCanonicalId(deps: Owner, account: string): string {
  if (account === '') return deps.owner.id;
  let id = computed.get(account);
  if (id === undefined) {
    id = sha256Hex(`tessera-account:${account}`);
    if (computed.size >= 10_000) computed.clear();
    computed.set(account, id);
  }
  return id;
}

/** The account that owns `bucket` ('' for the default account, and when unknown). */
export async function bucketAccountOf(deps: Pick<S3Deps, 'accounts'>, bucket: string): Promise<string> {
  const found = deps.accounts?.bucketAccount(bucket);
  return (found instanceof Promise ? await found : found) ?? '';
}

/** The canonical id of the account that owns `bucket`. */
export async function bucketOwnerOf(deps: WithAccounts, bucket: string): Promise<string> {
  return accountCanonicalId(deps, await bucketAccountOf(deps, bucket));
}

/** The caller's canonical id: its account's; undefined for anonymous callers. */
export function callerCanonicalId(
  deps: Owner,
  caller: Pick<Principal, 'kind' | 'account'> | { anonymous: boolean; account?: string | undefined },
): string | undefined {
  const anonymous = 'anonymous' in caller ? caller.anonymous : caller.kind === 'anonymous';
  return anonymous ? undefined : accountCanonicalId(deps, caller.account ?? '');
}

/** The account a canonical id names ('' for the default account); undefined when none does. */
export async function accountOfCanonicalId(deps: WithAccounts, id: string): Promise<string | undefined> {
  if (id === deps.owner.id) return '';
  if (deps.accounts === undefined || !/^[0-9a-f]{64}$/.test(id)) return undefined;
  for (const account of await deps.accounts.ids())
    if (accountCanonicalId(deps, account) === id) return account;
  return undefined;
}

/** The display name of a canonical id, when it is an account's (its name). */
export async function displayNameOf(deps: WithAccounts, id: string): Promise<string | undefined> {
  if (id === deps.owner.id) return deps.owner.displayName;
  const account = await accountOfCanonicalId(deps, id);
  if (account === undefined) return undefined;
  return (await deps.accounts?.displayName(account)) ?? account;
}

/** Whether a canonical id names an account (grants to unknown ids are InvalidArgument, as in AWS). */
export async function isKnownCanonicalId(deps: WithAccounts, id: string): Promise<boolean> {
  return (await accountOfCanonicalId(deps, id)) !== undefined;
}

/**
 * The canonical id of the account an e-mail address belongs to; undefined when none does
 * (UnresolvableGrantByEmailAddress). Accounts have no e-mail addresses yet.
 */
export function canonicalIdOfEmail(_deps: Owner, _email: string): string | undefined {
  return undefined;
}
