import { type Principal, type RoleIdentity, unhandled } from '../core/index.js';
import type { CompiledPolicy, PrincipalPolicySets } from '../policy/index.js';
import type { IamStore } from '../storage/index.js';
import type { IamArns } from './arn.js';
import { type IamCache, roleKey } from './cache.js';
import {
  buildFederated,
  buildRole,
  compileStored,
  type FederatedGroup,
  federatedKey,
} from './policy-sets.js';
import { authzPrincipal } from './principal-context.js';
import type { RoleDirectory } from './roles.js';

/*
 * IamService's cache loaders: each records the cache version before reading the store, so a
 * value read before a change is never cached after it (IamCache.fill).
 */

/** The role a session acts as, as stored now (null: none). */
export async function loadRole(
  cache: IamCache,
  roles: RoleDirectory,
  account: string,
  name: string,
): Promise<RoleIdentity | null> {
  const version = cache.version;
  const found = await roles.find(account, name);
  const identity = found === undefined ? null : roles.identity(found);
  cache.fill(cache.roles, roleKey(account, name), identity, version);
  return identity;
}

/** A role's attached and inline policies, as stored now. */
export async function loadRolePolicies(
  store: IamStore,
  cache: IamCache,
  account: string,
  name: string,
): Promise<readonly CompiledPolicy[]> {
  const version = cache.version;
  const built = buildRole(cache, await store.roleSnapshot(account, name));
  cache.fill(cache.identities, roleKey(account, name), built, version);
  return built.policies;
}

/** A federated identity's policies by name, as stored now (built-ins need no document). */
export async function loadFederated(
  store: IamStore,
  cache: IamCache,
  account: string,
  names: readonly string[],
  groupNames: readonly string[] = [],
): Promise<readonly CompiledPolicy[]> {
  const version = cache.version;
  const documents: Record<string, string> = {};
  const load = async (name: string) => {
    if (name in documents) return;
    const record = await store.getPolicy(account, name);
    if (record === undefined) return;
    const v = await store.getPolicyVersion(account, record.name, record.defaultVersion);
    if (v !== undefined) documents[name] = v.document;
  };
  for (const name of names) await load(name);
  // The groups claim names groups of the directory: their policies apply too ("a disabled group
  // contributes no permissions"; a group that does not exist contributes none either).
  const groups: FederatedGroup[] = [];
  for (const name of groupNames) {
    const g = await store.getGroup(account, name);
    if (g === undefined || g.status !== 'enabled') continue;
    const attached = await store.listAttachedPolicies(account, 'group', g.name);
    for (const p of attached) await load(p);
    const inline = await store.listInlinePolicies(account, 'group', g.name);
    groups.push({
      name: g.name,
      attached,
      inline: inline.map((p) => ({ name: p.name, document: p.document })),
    });
  }
  const built = buildFederated(cache, account, names, documents, groups, groupNames);
  cache.fill(
    cache.identities,
    federatedKey({ account, policies: names, groups: groupNames }),
    built,
    version,
  );
  return built.policies;
}

export async function loadBucket(
  store: IamStore,
  cache: IamCache,
  bucket: string,
): Promise<readonly CompiledPolicy[]> {
  const version = cache.version;
  const record = await store.getBucketPolicy(bucket);
  const compiled =
    record === undefined
      ? []
      : [
          compileStored(cache, `bucket-policy/${bucket}`, record.document, {
            kind: 'resource',
            bucket,
          }),
        ];
  cache.fill(cache.buckets, bucket, compiled, version);
  return compiled;
}

/** The policy sets of `p` from its layers (root: none evaluated; anonymous: the bucket policy only). */
export function policySets(
  cache: IamCache,
  arns: IamArns,
  p: Principal,
  identity: readonly CompiledPolicy[],
  resource: readonly CompiledPolicy[],
  embedded: readonly CompiledPolicy[] | null,
): PrincipalPolicySets {
  const principal = authzPrincipal(p, arns.accountId(p.account));
  const sets: { -readonly [K in keyof PrincipalPolicySets]: PrincipalPolicySets[K] } = { principal };
  switch (p.kind) {
    case 'root':
      // Never evaluated in its own account; on another account's bucket (docs/accounts.md) the
      // authorizer needs that bucket's policy.
      if (resource.length > 0) sets.resource = resource;
      return sets;
    case 'anonymous':
      if (resource.length > 0) sets.resource = resource;
      return sets;
    case 'user':
    case 'serviceAccount':
      break;
    case 'session':
      if (p.sessionPolicies !== undefined) {
        sets.session = p.sessionPolicies.map((text) =>
          compileStored(cache, 'session-policy', text, { kind: 'session' }),
        );
      }
      break;
    default:
      return unhandled(p);
  }
  if (resource.length > 0) sets.resource = resource;
  sets.identity = identity;
  if (embedded !== null) sets.serviceAccount = embedded;
  return sets;
}
