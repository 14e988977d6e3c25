import { createHash } from 'node:crypto';
import { type Clock, type FederatedIdentity, isTesseraError } from '../core/index.js';
import type { IamStore, IamUserRecord, Tag } from '../storage/index.js';
import { type CachedIdentity, entityKey, type IamCache } from './cache.js';
import { buildIdentity } from './policy-sets.js';
import type { UserDirectory } from './users.js';

/**
 * Just-in-time provisioning of federated users (docs/openid.md "Just-in-time provisioning"): the
 * first session of an OpenID identity records it in the directory as a user without a secret
 * (it cannot sign as itself), marked by `tessera:` tags, so that administrators see it (ListUsers,
 * GetUser, `tessera admin user list`), attach policies to it (they apply to its sessions besides
 * the claim-mapped ones) and create service accounts for it.
 */
export const FEDERATED_TAGS = Object.freeze({
  source: 'tessera:federated-source',
  issuer: 'tessera:federated-issuer',
  subject: 'tessera:federated-subject',
  displayName: 'tessera:federated-name',
  lastLogin: 'tessera:last-login',
});

/** How often a federated user's last-login tag is written at most (issuance stays write-free). */
export const LAST_LOGIN_EVERY_MS = 15 * 60_000;
/** Identities a process remembers having recorded (bounded). */
const SEEN_LIMIT = 10_000;

const NAME_CHARS = /[^\w+=,.@-]/g;

/**
 * The directory name of a federated identity: `<provider>.<subject>` when that is a valid user
 * name (64 characters of `[\w+=,.@-]`), else a cleaned prefix and 8 hex digits of its SHA-256.
 * Deterministic, so that a session finds its user without a lookup.
 * @example federatedUserName({ source: 'openid:keycloak', subject: 'alice' }) // 'keycloak.alice'
 */
export function federatedUserName(f: Pick<FederatedIdentity, 'source' | 'subject'>): string {
  const provider = f.source.startsWith('openid:') ? f.source.slice('openid:'.length) : f.source;
  const raw = `${provider}.${f.subject}`;
  const known = hashedNames.get(raw);
  if (known !== undefined) return known;
  const clean = raw.replace(NAME_CHARS, '-');
  if (clean === raw && raw.length <= 64) return raw;
  const hash = createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 8);
  const name = `${clean.slice(0, 55)}-${hash}`;
  // Computed on every request of such a session: remembered (bounded).
  if (hashedNames.size >= SEEN_LIMIT) hashedNames.clear();
  hashedNames.set(raw, name);
  return name;
}

const hashedNames = new Map<string, string>();

/** A tag value AWS accepts: its characters, at most 256. */
function tagValue(v: string): string {
  return v.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);
}

function tagOf(u: Pick<IamUserRecord, 'tags'>, key: string): string | undefined {
  return u.tags.find((t) => t.key === key)?.value;
}

/** Whether a stored user is the directory entry of this federated identity (not a namesake). */
export function isFederatedUserOf(
  u: Pick<IamUserRecord, 'tags'>,
  f: Pick<FederatedIdentity, 'issuer' | 'subject'>,
): boolean {
  return (
    tagOf(u, FEDERATED_TAGS.issuer) === tagValue(f.issuer) &&
    tagOf(u, FEDERATED_TAGS.subject) === tagValue(f.subject)
  );
}

/** Whether a stored user was provisioned for a federated identity. */
export function isFederatedUser(u: Pick<IamUserRecord, 'tags'>): boolean {
  return tagOf(u, FEDERATED_TAGS.source) !== undefined && tagOf(u, FEDERATED_TAGS.subject) !== undefined;
}

export class FederatedUserDirectory {
  /** entityKey → when this process last recorded the login (no I/O before LAST_LOGIN_EVERY_MS). */
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly store: IamStore,
    private readonly users: UserDirectory,
    private readonly clock: Clock,
    private readonly log: (message: string, err?: unknown) => void = () => {},
    private readonly everyMs = LAST_LOGIN_EVERY_MS,
  ) {}

  /**
   * Records a login of `f`: creates its user the first time, refreshes its last-login tag at most
   * every `everyMs`. A directory user of the same name that is not this identity's is left alone.
   * Returns the user name. Never throws: a failure is logged and the login still succeeds.
   */
  async recordLogin(f: FederatedIdentity): Promise<string> {
    try {
      return await this.#record(f);
    } catch (e) {
      this.log(`iam: recording federated user ${federatedUserName(f)} failed`, e);
      return federatedUserName(f);
    }
  }

  async #record(f: FederatedIdentity): Promise<string> {
    const name = federatedUserName(f);
    const key = entityKey(f.account, name);
    const now = this.clock.now();
    const last = this.#seen.get(key);
    if (last !== undefined && now - last < this.everyMs) return name;
    if (this.#seen.size >= SEEN_LIMIT) this.#seen.clear();
    this.#seen.set(key, now);
    const stamp = new Date(now).toISOString();
    const existing = await this.store.getUser(f.account, name);
    if (existing === undefined) {
      try {
        await this.users.create(f.account, { name, tags: this.#tags(f, stamp) });
        return name;
      } catch (e) {
        if (!isTesseraError(e, 'EntityAlreadyExists')) throw e;
        return name; // another process provisioned it meanwhile
      }
    }
    if (!isFederatedUserOf(existing, f)) {
      this.log(`iam: federated user ${name} not recorded: a directory user of that name exists`);
      return name;
    }
    const previous = Date.parse(tagOf(existing, FEDERATED_TAGS.lastLogin) ?? '');
    if (!Number.isFinite(previous) || now - previous >= this.everyMs) {
      await this.users.tag(f.account, name, [
        { key: FEDERATED_TAGS.displayName, value: tagValue(f.name) },
        { key: FEDERATED_TAGS.lastLogin, value: stamp },
      ]);
    }
    return name;
  }

  #tags(f: FederatedIdentity, stamp: string): Tag[] {
    return [
      { key: FEDERATED_TAGS.source, value: tagValue(f.source) },
      { key: FEDERATED_TAGS.issuer, value: tagValue(f.issuer) },
      { key: FEDERATED_TAGS.subject, value: tagValue(f.subject) },
      { key: FEDERATED_TAGS.displayName, value: tagValue(f.name) },
      { key: FEDERATED_TAGS.lastLogin, value: stamp },
    ];
  }
}

/**
 * The identities-cache key of a federated user's policies: its own (not the user's entityKey, which
 * a namesake directory user's service accounts fill unchecked), evicted on a `user` change of that
 * name (service.ts, feed.ts) and, by the cache's scans, on changes of its groups and policies.
 */
export function federatedUserKey(account: string, name: string): string {
  return `federated-user\u0000${entityKey(account, name)}`;
}

/**
 * The identity policies of a federated identity's directory user (attached, inline, its groups'),
 * cached under federatedUserKey; none when it has no user, or the user of that name is not this
 * identity's. `disabled`: an administrator disabled the user, so the identity's sessions get no
 * permissions at all (not even the claim-mapped ones).
 */
export async function loadFederatedUser(
  store: IamStore,
  cache: IamCache,
  f: FederatedIdentity,
): Promise<CachedIdentity> {
  const name = federatedUserName(f);
  const key = federatedUserKey(f.account, name);
  const hit = cache.identities.get(key);
  if (hit !== undefined) return hit;
  const version = cache.version;
  const snap = await store.identitySnapshot(f.account, name);
  const built = buildIdentity(
    cache,
    snap !== undefined && isFederatedUserOf(snap.user, f) ? snap : undefined,
  );
  cache.fill(cache.identities, key, built, version);
  return built;
}

/** Applies a `user` change to the federated-user entries (the cache evicts the others itself). */
export function evictFederatedUser(cache: IamCache, kind: string, account: string, name: string): void {
  if (kind === 'user') cache.identities.delete(federatedUserKey(account, name));
}
