import type { Principal, RoleIdentity } from '../core/index.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { IamChange } from '../storage/index.js';
import { Lru } from './lru.js';

/** What lookupCredential returns: structurally auth's Credential, with a typed principal. */
export interface IamCredential {
  accessKey: string;
  secretKey: string;
  principal: Principal;
}

/** A looked-up access key. `credential` undefined: known, but disabled, expired or orphaned. */
export interface CachedCredential {
  readonly credential: IamCredential | undefined;
  /** The user it derives from (itself, or a service account's parent), as entityKey. */
  readonly userKey?: string;
  /** Every group (entityKey) the user belongs to, enabled or not: a change to one evicts this. */
  readonly groups: readonly string[];
  readonly expiresAt?: number;
  /** A service account's embedded policy JSON. */
  readonly embeddedPolicy?: string;
}

/** An account as requests need it (docs/accounts.md). */
export interface CachedAccount {
  readonly id: string;
  readonly name: string;
}

/** A user's compiled identity policies and what they were built from. */
export interface CachedIdentity {
  readonly policies: readonly CompiledPolicy[];
  readonly groups: readonly string[];
  /** Attached managed policy names, as entityKey. */
  readonly policyNames: readonly string[];
  /** The user is disabled (policies is then empty): a federated identity's sessions get nothing. */
  readonly disabled?: true;
}

export interface CacheLimits {
  /** Access keys (users and service accounts); default 50,000. */
  credentials?: number;
  /** Users' compiled identity policy sets; default 50,000. */
  identities?: number;
  /** Compiled documents (content-addressed, never stale); default 5,000. */
  policies?: number;
  /** Buckets' compiled policies (an empty list = no policy); default 10,000. */
  buckets?: number;
}

/** Entities are keyed by account and case-folded name (IAM names are unique without regard to case). */
export function entityKey(account: string, name: string): string {
  return `${account}\u0000${name.toLowerCase()}`;
}

/** The identities-cache keys of LDAP sessions' entries start so (ldap-cache.ts). */
export const LDAP_KEY_PREFIX = 'ldap\u0000';
/** In a user entry's `groups`: its policies include LDAP mappings (an `ldap` change evicts it). */
export const LDAP_MARK = 'ldap\u0000\u0001';

/** The identities cache key of a role's policy set. */
export function roleKey(account: string, name: string): string {
  return `role\u0000${entityKey(account, name)}`;
}

/**
 * The IAM service's bounded caches and their invalidation (docs/architecture.md). Each change from the
 * feed (or made by this process) evicts exactly what depends on it, by scanning the bounded
 * caches: changes are rare, lookups are not. `version` counts applied changes: a loader records
 * it before reading the store and `fill` drops its result when a change arrived meanwhile, so a
 * value read before a change is never cached after it.
 */
export class IamCache {
  readonly credentials: Lru<string, CachedCredential>;
  readonly identities: Lru<string, CachedIdentity>;
  readonly compiled: Lru<string, CompiledPolicy>;
  readonly buckets: Lru<string, readonly CompiledPolicy[]>;
  /** Roles that sessions act as, by roleKey (null: no such role). */
  readonly roles: Lru<string, RoleIdentity | null>;
  /** Accounts by id (null: no such account): names for owners, existence for credentials. */
  readonly accounts: Lru<string, CachedAccount | null>;
  #version = 0;

  constructor(limits: CacheLimits = {}) {
    this.credentials = new Lru(limits.credentials ?? 50_000);
    this.identities = new Lru(limits.identities ?? 50_000);
    this.compiled = new Lru(limits.policies ?? 5_000);
    this.buckets = new Lru(limits.buckets ?? 10_000);
    this.roles = new Lru(limits.identities ?? 50_000);
    this.accounts = new Lru(10_000);
  }

  get version(): number {
    return this.#version;
  }

  /** Stores `value` unless a change was applied since `version` was read. */
  fill<V>(lru: Lru<string, V>, key: string, value: V, version: number): void {
    if (version === this.#version) lru.set(key, value);
  }

  /** Evicts what a change affects. */
  apply(change: Pick<IamChange, 'kind' | 'account' | 'name'>): void {
    this.#version++;
    const key = entityKey(change.account, change.name);
    switch (change.kind) {
      case 'user':
        this.identities.delete(key);
        this.#evict(this.credentials, (e) => e.userKey === key);
        return;
      case 'group':
        this.#evict(this.identities, (e) => e.groups.includes(key));
        this.#evict(this.credentials, (e) => e.groups.includes(key));
        return;
      case 'role':
        this.identities.delete(roleKey(change.account, change.name));
        this.roles.delete(roleKey(change.account, change.name));
        return;
      case 'policy':
        this.#evict(this.identities, (e) => e.policyNames.includes(key));
        return;
      case 'serviceAccount':
        this.credentials.delete(change.name);
        return;
      case 'bucketPolicy':
        this.buckets.delete(change.name);
        return;
      case 'account':
        this.accounts.delete(change.account);
        this.credentials.delete(change.name);
        return;
      case 'ldap': {
        // Mappings or an LDAP user's groups/state (rare): every LDAP session entry (ldap-cache.ts).
        const doomed = [...this.identities.keys()].filter(
          (k) => k.startsWith(LDAP_KEY_PREFIX) || this.identities.peek(k)!.groups.includes(LDAP_MARK),
        );
        for (const k of doomed) this.identities.delete(k);
        return;
      }
      default: {
        // An unknown kind from a newer server: be safe.
        const unknown: never = change.kind;
        void unknown;
        this.clear();
      }
    }
  }

  /** Drops every derived entry (compiled documents are content-addressed and stay). */
  clear(): void {
    this.#version++;
    this.credentials.clear();
    this.identities.clear();
    this.buckets.clear();
    this.roles.clear();
    this.accounts.clear();
  }

  #evict<V>(lru: Lru<string, V>, test: (v: V) => boolean): void {
    const doomed: string[] = [];
    for (const k of lru.keys()) if (test(lru.peek(k)!)) doomed.push(k);
    for (const k of doomed) lru.delete(k);
  }
}
