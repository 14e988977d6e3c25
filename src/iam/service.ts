import {
  type Clock,
  constantTimeEqual,
  type FederatedIdentity,
  type Principal,
  type RoleIdentity,
  type RootPrincipal,
  type SessionParent,
  systemClock,
  TesseraError,
} from '../core/index.js';
import type { PrincipalPolicySets } from '../policy/index.js';
import type { IamChangeKind, IamStore } from '../storage/index.js';
import { AccountDirectory } from './accounts.js';
import { IamArns } from './arn.js';
import { BucketPolicyDirectory } from './bucket-policies.js';
import { type CachedCredential, type CacheLimits, IamCache, type IamCredential, roleKey } from './cache.js';
import type { DirectoryContext } from './context.js';
import { evictFederatedUser, FederatedUserDirectory } from './federated-users.js';
import { ChangeFeed } from './feed.js';
import { GroupDirectory } from './groups.js';
import { type CachedLdap, cachedLdap, isLdapIdentity, loadLdap, withCurrentGroups } from './ldap-cache.js';
import { LdapIdentityDirectory } from './ldap-identities.js';
import { loadCredential } from './load-credential.js';
import type { MasterKey } from './master-key.js';
import { OidcProviderDirectory } from './oidc-providers.js';
import { PolicyDirectory } from './policies.js';
import { PolicySetResolver } from './policy-set-resolver.js';
import { type RevocationLimits, SessionRevocations } from './revocations.js';
import { RoleDirectory } from './roles.js';
import { SecretBox } from './secret-box.js';
import { ServiceAccountDirectory } from './service-accounts.js';
import { loadRole } from './service-loaders.js';
import { type OpenedSession, type SessionOpener, sessionCredential, sessionParentOf } from './sessions.js';
import { UserDirectory } from './users.js';

export interface IamServiceOptions {
  store: IamStore;
  masterKey: MasterKey;
  /** The configured root credentials (default account). */
  root: { accessKey: string; secretKey: string };
  /** The id ARNs show for the default account; '' (default) gives MinIO-style ARNs. */
  defaultAccountId?: string;
  clock?: Clock;
  cache?: CacheLimits;
  /** Where feed errors go (never given a secret). */
  log?: (message: string, err?: unknown) => void;
  /** Opens STS session tokens (temporary credentials); without it, no session key resolves. */
  sessions?: SessionOpener;
  /** Bounds of the session revocation list (docs/sts.md "Revocation"). */
  revocations?: RevocationLimits;
  /** TESSERA_SVCACCT_MAX_EXPIRY: longest lifetime (ms) of a user's service account (default: none). */
  serviceAccountMaxExpiryMs?: number;
}

type MaybeAsync<T> = T | Promise<T>;

/**
 * The identity directory (docs/architecture.md): users, groups, policies, service accounts
 * and bucket policies in the IAM store, credential lookup for auth, and policy sets for the policy
 * engine, served from bounded caches kept coherent across processes by the store's change feed.
 * @example
 * const iam = await IamService.open({ store, masterKey: loadMasterKey(dataDir), root });
 * iam.startChangeFeed();
 * const server = createS3Server({ lookup: iam.lookupCredential, ... });
 */
export class IamService {
  readonly arns: IamArns;
  readonly users: UserDirectory;
  readonly groups: GroupDirectory;
  readonly roles: RoleDirectory;
  /** IAM OpenID Connect providers (AssumeRoleWithWebIdentity into roles). */
  readonly oidcProviders: OidcProviderDirectory;
  readonly policies: PolicyDirectory;
  readonly serviceAccounts: ServiceAccountDirectory;
  readonly bucketPolicies: BucketPolicyDirectory;
  /** Revoked sessions (checked on every request with temporary credentials). */
  readonly revocations: SessionRevocations;
  /** Federated users recorded just in time (docs/openid.md). */
  readonly federatedUsers: FederatedUserDirectory;
  /** Accounts (tenants, docs/accounts.md). */
  readonly accounts: AccountDirectory;
  /** LDAP users, their state and DN → policy mappings (docs/ldap.md). */
  readonly ldap: LdapIdentityDirectory;
  readonly #store: IamStore;
  readonly #box: SecretBox;
  readonly #clock: Clock;
  readonly #cache: IamCache;
  readonly #root: IamCredential;
  readonly #feed: ChangeFeed;
  readonly #sessions: SessionOpener | undefined;
  readonly #sets: PolicySetResolver;

  /** Opens the service at the feed's current position (changes before it are already in the store). */
  static async open(options: IamServiceOptions): Promise<IamService> {
    const service = new IamService(options, await options.store.latestChangeSeq());
    await service.revocations.reload();
    return service;
  }

  /** Prefer `open`. `feedSeq`: the change-feed position the (empty) caches correspond to. */
  constructor(options: IamServiceOptions, feedSeq: number) {
    this.#store = options.store;
    this.#box = new SecretBox(options.masterKey);
    this.#clock = options.clock ?? systemClock;
    this.#sessions = options.sessions;
    this.#cache = new IamCache(options.cache);
    this.arns = new IamArns(options.defaultAccountId ?? '');
    const { accessKey, secretKey } = options.root;
    const principal: RootPrincipal = Object.freeze({
      kind: 'root',
      account: '',
      accessKey,
      name: accessKey,
      arn: this.arns.root(''),
      userId: this.arns.accountId(''),
    });
    this.#root = Object.freeze({ accessKey, secretKey, principal });
    const context: DirectoryContext = {
      store: this.#store,
      box: this.#box,
      arns: this.arns,
      clock: this.#clock,
      rootAccessKey: accessKey,
      changed: (kind: IamChangeKind, account: string, name: string) => {
        this.#cache.apply({ kind, account, name });
        evictFederatedUser(this.#cache, kind, account, name);
      },
    };
    this.users = new UserDirectory(context);
    this.groups = new GroupDirectory(context);
    this.roles = new RoleDirectory(context);
    this.oidcProviders = new OidcProviderDirectory(context);
    this.policies = new PolicyDirectory(context);
    this.serviceAccounts = new ServiceAccountDirectory(context, options.serviceAccountMaxExpiryMs);
    this.bucketPolicies = new BucketPolicyDirectory(context);
    this.revocations = new SessionRevocations(this.#store, this.#clock, options.revocations);
    this.accounts = new AccountDirectory(context, this.#cache);
    this.federatedUsers = new FederatedUserDirectory(this.#store, this.users, this.#clock, options.log);
    this.ldap = new LdapIdentityDirectory(context, this.users, this.policies, this.federatedUsers);
    this.#sets = new PolicySetResolver(this.#store, this.#cache, this.arns, (key) =>
      this.#loadCredential(key),
    );
    this.#feed = new ChangeFeed(this.#store, this.#cache, feedSeq, this.#clock, options.log, () =>
      this.revocations.reload(),
    );
  }

  /**
   * auth's CredentialLookup: root, a user (access key = user name), a service account, or — with
   * the session token the request carried — temporary credentials (their parent resolved afresh).
   * Undefined when unknown, disabled, expired, or its parent user is disabled or deleted.
   * Synchronous on a cache hit.
   */
  readonly lookupCredential = (
    accessKey: string,
    sessionToken?: string,
  ): MaybeAsync<IamCredential | undefined> => {
    if (sessionToken !== undefined && this.#sessions !== undefined) {
      const session = this.#sessions.open(accessKey, sessionToken, this.#clock.now());
      if (session !== undefined) {
        const { federated, parentAccessKey, role } = session.claims;
        if (federated !== undefined)
          return isLdapIdentity(federated)
            ? this.#ldapSession(session, federated, sessionToken)
            : this.#session(session, federated, sessionToken);
        if (role !== undefined) {
          // The role as it is now: deleted (or deleted and created again) → InvalidToken.
          const ofRole = (r: RoleIdentity | null) =>
            this.#session(session, r !== null && r.roleId === role.id ? r : undefined, sessionToken);
          const hit = this.#cache.roles.get(roleKey(role.account, role.name));
          return hit !== undefined
            ? ofRole(hit)
            : loadRole(this.#cache, this.roles, role.account, role.name).then(ofRole);
        }
        const parent = parentAccessKey === undefined ? undefined : this.lookupCredential(parentAccessKey);
        const of = (c: IamCredential | undefined) =>
          this.#session(session, c === undefined ? undefined : sessionParentOf(c.principal), sessionToken);
        return parent instanceof Promise ? parent.then(of) : of(parent);
      }
      // Not a session token of this deployment: a long-term key refuses any token (auth's
      // checkCredential); an unknown key with a token is a bad token, as AWS answers.
      const longTerm = this.lookupCredential(accessKey);
      const unknownToken = (c: IamCredential | undefined) => {
        if (c === undefined) throw new TesseraError('InvalidToken');
        return c;
      };
      return longTerm instanceof Promise ? longTerm.then(unknownToken) : unknownToken(longTerm);
    }
    if (accessKey === this.#root.accessKey) return this.#root;
    const hit = this.#cache.credentials.get(accessKey);
    if (hit !== undefined) return this.#live(hit);
    return this.#loadCredential(accessKey).then((e) => (e === undefined ? undefined : this.#live(e)));
  };

  /** Checks a secret (console login) in constant time; the principal, or undefined. */
  async verifySecret(accessKey: string, secretKey: string): Promise<Principal | undefined> {
    const credential = await this.lookupCredential(accessKey);
    if (credential === undefined) {
      constantTimeEqual(secretKey, secretKey);
      return undefined;
    }
    return constantTimeEqual(credential.secretKey, secretKey) ? credential.principal : undefined;
  }

  /**
   * The policies policy.authorize needs for `principal` acting on `bucket`: identity = the user's
   * (a service account: its parent's) attached and inline policies and its enabled groups';
   * serviceAccount = the embedded policy; resource = the bucket policy. Root is never evaluated;
   * anonymous callers get only the bucket policy. Synchronous when everything is cached.
   */
  policySetsFor(principal: Principal, bucket?: string): MaybeAsync<PrincipalPolicySets> {
    return this.#sets.setsFor(principal, bucket);
  }

  /** Starts polling the change feed (every worker: a change anywhere is enforced within ~intervalMs). */
  startChangeFeed(intervalMs = 250): void {
    this.#feed.start(intervalMs);
  }

  stopChangeFeed(): void {
    this.#feed.stop();
  }

  /** Applies pending changes now; returns how many. */
  pollChanges(): Promise<number> {
    return this.#feed.poll();
  }

  /** Entry counts of the bounded caches. */
  cacheStats(): { credentials: number; identities: number; policies: number; buckets: number } {
    const c = this.#cache;
    return {
      credentials: c.credentials.size,
      identities: c.identities.size,
      policies: c.compiled.size,
      buckets: c.buckets.size,
    };
  }

  /** Stops the feed. The store belongs to the caller. */
  close(): void {
    this.#feed.stop();
  }

  /** A session's credential, unless it is revoked (AccessDenied) or its parent is gone (InvalidToken). */
  #session(session: OpenedSession, parent: SessionParent | undefined, token: string): IamCredential {
    if (parent !== undefined) this.revocations.check(session.claims, parent);
    return sessionCredential(session, parent, token);
  }

  /**
   * An LDAP session (docs/ldap.md "Sessions"): refused while the directory sync finds its user
   * missing or disabled; its groups are those the directory last reported.
   */
  #ldapSession(session: OpenedSession, f: FederatedIdentity, token: string): MaybeAsync<IamCredential> {
    const of = (e: CachedLdap) => {
      if (e.ldapState !== 'active') {
        throw new TesseraError(
          'InvalidToken',
          `The security token included in the request is invalid: the directory reports its user ${e.ldapState}.`,
        );
      }
      return this.#session(session, withCurrentGroups(f, e), token);
    };
    const hit = cachedLdap(this.#cache, f);
    return hit !== undefined ? of(hit) : loadLdap(this.#store, this.#cache, f).then(of);
  }

  #live(e: CachedCredential): IamCredential | undefined {
    if (e.credential === undefined) return undefined;
    if (e.expiresAt !== undefined && this.#clock.now() >= e.expiresAt) return undefined;
    return e.credential;
  }

  async #loadCredential(accessKey: string): Promise<CachedCredential | undefined> {
    const version = this.#cache.version;
    const entry = await loadCredential(
      { store: this.#store, box: this.#box, arns: this.arns, root: this.#root, now: () => this.#clock.now() },
      accessKey,
    );
    if (entry !== undefined) this.#cache.fill(this.#cache.credentials, accessKey, entry, version);
    return entry;
  }
}
