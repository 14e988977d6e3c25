import type { FederatedIdentity } from '../core/index.js';
import type { IamLdapMappingRecord, IamStore, IamUserRecord, LdapUserStateName } from '../storage/index.js';
import { type CachedIdentity, type IamCache, LDAP_KEY_PREFIX, LDAP_MARK } from './cache.js';
import { FEDERATED_TAGS } from './federated-users.js';
import { buildFederated } from './policy-sets.js';

/**
 * LDAP sessions' permissions (docs/ldap.md "Policies for directory users and groups"): not frozen
 * into the token but resolved per request from the policies mapped to the user's DN and to the
 * group DNs the directory last reported (stored at login and by the directory sync), cached in
 * the identities cache under ldapKey and evicted by every `ldap` change (cache.ts) and, through
 * policyNames, by changes of the mapped policies.
 */

/** Where an LDAP identity was proved: `ldap:<directory>`. */
export const LDAP_SOURCE_PREFIX = 'ldap:';

/** Whether a federated identity is an LDAP directory user's (one string comparison). */
export function isLdapIdentity(f: Pick<FederatedIdentity, 'source'>): boolean {
  return f.source.startsWith(LDAP_SOURCE_PREFIX);
}

/** The LDAP configuration's name of an LDAP identity. */
export function ldapDirectoryOf(f: Pick<FederatedIdentity, 'source'>): string {
  return f.source.slice(LDAP_SOURCE_PREFIX.length);
}

/** The cached state and policies of an LDAP user. */
export interface CachedLdap extends CachedIdentity {
  readonly ldapState: LdapUserStateName;
  /** The group DNs that decide its policies now (and its ldap:groups condition key). */
  readonly groupDns: readonly string[];
}

/** The identities-cache key of an LDAP user's entry. */
export function ldapKey(f: Pick<FederatedIdentity, 'account' | 'source' | 'subject'>): string {
  return `${LDAP_KEY_PREFIX}${f.account}\u0000${f.source}\u0000${f.subject}`;
}

/** The cached entry of an LDAP session's user, or undefined (load it with loadLdap). */
export function cachedLdap(cache: IamCache, f: FederatedIdentity): CachedLdap | undefined {
  return cache.identities.get(ldapKey(f)) as CachedLdap | undefined;
}

/** Reads an LDAP user's state, groups and mapped policies from the store, and caches them. */
export async function loadLdap(store: IamStore, cache: IamCache, f: FederatedIdentity): Promise<CachedLdap> {
  const version = cache.version;
  const snap = await store.ldapSnapshot(f.account, ldapDirectoryOf(f), f.subject, f.groups);
  const built = await mappedIdentity(store, cache, f.account, snap.mappings);
  const state = snap.user?.state ?? 'active';
  const entry: CachedLdap = {
    ...built,
    policies: state === 'active' ? built.policies : [],
    ...(state === 'active' ? {} : { disabled: true as const }),
    ldapState: state,
    groupDns: Object.freeze([...(snap.user?.groupDns ?? f.groups)]),
  };
  cache.fill(cache.identities, ldapKey(f), entry as CachedIdentity, version);
  return entry;
}

/** The compiled policies of mappings (as stored now). */
async function mappedIdentity(
  store: IamStore,
  cache: IamCache,
  account: string,
  mappings: readonly IamLdapMappingRecord[],
): Promise<CachedIdentity> {
  const names = [...new Set(mappings.map((m) => m.policy))];
  const documents: Record<string, string> = {};
  for (const name of names) {
    const record = await store.getPolicy(account, name);
    if (record === undefined) continue;
    const v = await store.getPolicyVersion(account, record.name, record.defaultVersion);
    if (v !== undefined) documents[name] = v.document;
  }
  return buildFederated(cache, account, names, documents);
}

/**
 * A directory user's identity policies (`built`) with, when it was provisioned for an LDAP user,
 * the policies mapped to that user's DN and groups: its service accounts act with them (none while
 * the user is missing or disabled). Other users: `built` as is (a tag check, no read).
 */
export async function withLdapMappings(
  store: IamStore,
  cache: IamCache,
  user: IamUserRecord | undefined,
  built: CachedIdentity,
): Promise<CachedIdentity> {
  const source = user?.tags.find((t) => t.key === FEDERATED_TAGS.source)?.value;
  if (user === undefined || source === undefined || !source.startsWith(LDAP_SOURCE_PREFIX)) return built;
  const snap = await store.ldapSnapshotByUserName(user.account, user.name);
  const groups = [...built.groups, LDAP_MARK];
  if (snap.user === undefined || snap.user.state !== 'active' || built.disabled === true)
    return { ...built, groups };
  const mapped = await mappedIdentity(store, cache, user.account, snap.mappings);
  return {
    policies: Object.freeze([...built.policies, ...mapped.policies]),
    groups,
    policyNames: [...new Set([...built.policyNames, ...mapped.policyNames])],
  };
}

/** An LDAP session's parent with the groups the directory last reported (the token's otherwise). */
export function withCurrentGroups(f: FederatedIdentity, entry: CachedLdap): FederatedIdentity {
  const g = entry.groupDns;
  if (g.length === f.groups.length && g.every((x, i) => x === f.groups[i])) return f;
  return Object.freeze({ ...f, groups: g, claims: Object.freeze({ ...f.claims, groups: g }) });
}
