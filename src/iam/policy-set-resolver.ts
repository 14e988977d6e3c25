import { identityUser, type Principal, unhandled } from '../core/index.js';
import type { CompiledPolicy, PrincipalPolicySets } from '../policy/index.js';
import type { IamStore } from '../storage/index.js';
import type { IamArns } from './arn.js';
import { entityKey, type IamCache, roleKey } from './cache.js';
import { federatedUserKey, federatedUserName, loadFederatedUser } from './federated-users.js';
import { cachedLdap, isLdapIdentity, loadLdap, withLdapMappings } from './ldap-cache.js';
import { ALLOW_ALL, buildIdentity, compileStored, federatedKey } from './policy-sets.js';
import { loadBucket, loadFederated, loadRolePolicies, policySets } from './service-loaders.js';

/**
 * The policies the policy engine needs for a principal acting on a bucket, from the IAM caches
 * (synchronously when everything is cached) or loaded from the store into them.
 */
export class PolicySetResolver {
  readonly #store: IamStore;
  readonly #cache: IamCache;
  readonly #arns: IamArns;
  readonly #loadCredential: (accessKey: string) => Promise<unknown>;

  /** `loadCredential` fills the credential cache for an access key (a service account's embedded policy). */
  constructor(
    store: IamStore,
    cache: IamCache,
    arns: IamArns,
    loadCredential: (accessKey: string) => Promise<unknown>,
  ) {
    this.#store = store;
    this.#cache = cache;
    this.#arns = arns;
    this.#loadCredential = loadCredential;
  }

  /** IamService.policySetsFor. */
  setsFor(principal: Principal, bucket?: string): PrincipalPolicySets | Promise<PrincipalPolicySets> {
    const resource = bucket === undefined ? [] : this.#cache.buckets.get(bucket);
    const identity = this.#cachedIdentity(principal);
    const embedded = this.#cachedEmbedded(principal);
    if (resource !== undefined && identity !== undefined && embedded !== undefined) {
      return policySets(this.#cache, this.#arns, principal, identity, resource, embedded);
    }
    return this.#loadSets(principal, bucket);
  }

  #cachedIdentity(p: Principal): readonly CompiledPolicy[] | undefined {
    switch (p.kind) {
      case 'root':
      case 'anonymous':
        return [];
      case 'serviceAccount':
        if (p.parent.kind === 'root') return [ALLOW_ALL];
        return this.#cache.identities.get(entityKey(p.account, p.parent.name))?.policies;
      case 'user':
        return this.#cache.identities.get(entityKey(p.account, p.name))?.policies;
      case 'session':
        // A root session is evaluated (its session policy narrows root's "everything").
        if (p.parent.kind === 'root') return [ALLOW_ALL];
        if (p.parent.kind === 'federated') {
          // The claim-mapped policies (LDAP: the DN-mapped ones), and those of its directory user
          // (just-in-time provisioned). A disabled directory user: the identity's sessions get nothing.
          const claimed = isLdapIdentity(p.parent)
            ? cachedLdap(this.#cache, p.parent)?.policies
            : this.#cache.identities.get(federatedKey(p.parent))?.policies;
          const own = this.#cache.identities.get(federatedUserKey(p.account, federatedUserName(p.parent)));
          if (claimed === undefined || own === undefined) return undefined;
          if (own.disabled === true) return [];
          return own.policies.length === 0 ? claimed : [...claimed, ...own.policies];
        }
        if (p.parent.kind === 'role')
          return this.#cache.identities.get(roleKey(p.parent.account, p.parent.name))?.policies;
        return this.#cachedIdentity(p.parent);
      default:
        return unhandled(p);
    }
  }

  /** [] when none; undefined when not cached. */
  #cachedEmbedded(p: Principal): readonly CompiledPolicy[] | null | undefined {
    if (p.kind === 'session') {
      return p.parent.kind === 'federated' || p.parent.kind === 'role'
        ? null
        : this.#cachedEmbedded(p.parent);
    }
    if (p.kind !== 'serviceAccount') return null;
    const entry = this.#cache.credentials.get(p.accessKey);
    if (entry === undefined) return undefined;
    if (entry.embeddedPolicy === undefined) return null;
    return [
      compileStored(this.#cache, `service-account/${p.accessKey}`, entry.embeddedPolicy, {
        kind: 'serviceAccount',
      }),
    ];
  }

  async #loadSets(p: Principal, bucket: string | undefined): Promise<PrincipalPolicySets> {
    let resource: readonly CompiledPolicy[] = [];
    if (bucket !== undefined)
      resource = this.#cache.buckets.get(bucket) ?? (await loadBucket(this.#store, this.#cache, bucket));
    let identity = this.#cachedIdentity(p);
    const user = identityUser(p);
    if (identity === undefined && p.kind === 'session' && p.parent.kind === 'federated') {
      const f = p.parent;
      const claimed = isLdapIdentity(f)
        ? (cachedLdap(this.#cache, f) ?? (await loadLdap(this.#store, this.#cache, f))).policies
        : (this.#cache.identities.get(federatedKey(f))?.policies ??
          (await loadFederated(this.#store, this.#cache, f.account, f.policies, f.groups)));
      const own = await loadFederatedUser(this.#store, this.#cache, f);
      identity = own.disabled === true ? [] : [...claimed, ...own.policies];
    }
    if (identity === undefined && p.kind === 'session' && p.parent.kind === 'role') {
      identity = await loadRolePolicies(this.#store, this.#cache, p.parent.account, p.parent.name);
    }
    if (identity === undefined && user !== undefined) {
      const version = this.#cache.version;
      const snap = await this.#store.identitySnapshot(p.account, user);
      // A directory user of an LDAP user: with its DN-mapped policies (ldap-cache.ts).
      const built = await withLdapMappings(
        this.#store,
        this.#cache,
        snap?.user,
        buildIdentity(this.#cache, snap),
      );
      this.#cache.fill(this.#cache.identities, entityKey(p.account, user), built, version);
      identity = built.policies;
    }
    let embedded = this.#cachedEmbedded(p);
    const sa = p.kind === 'session' ? p.parent : p;
    if (embedded === undefined && sa.kind === 'serviceAccount') {
      await this.#loadCredential(sa.accessKey);
      embedded = this.#cachedEmbedded(sa);
      // Evicted again at once (a concurrent change): read it straight from the store.
      if (embedded === undefined) {
        const text = (await this.#store.getServiceAccount(sa.accessKey))?.policy;
        embedded =
          text === undefined
            ? null
            : [
                compileStored(this.#cache, `service-account/${sa.accessKey}`, text, {
                  kind: 'serviceAccount',
                }),
              ];
      }
    }
    return policySets(this.#cache, this.#arns, p, identity ?? [], resource, embedded ?? null);
  }
}
