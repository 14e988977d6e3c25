import {
  type Clock,
  type FederatedIdentity,
  isTesseraError,
  normalizeDn,
  TesseraError,
} from '../core/index.js';
import type {
  IamLdapMappingRecord,
  IamLdapUserRecord,
  IamStore,
  LdapMappingKind,
  LdapUserStateName,
} from '../storage/index.js';
import type { IamArns } from './arn.js';
import type { DirectoryContext } from './context.js';
import { type FederatedUserDirectory, federatedUserName, LAST_LOGIN_EVERY_MS } from './federated-users.js';
import { LDAP_SOURCE_PREFIX } from './ldap-cache.js';
import type { PolicyDirectory } from './policies.js';
import type { UserDirectory } from './users.js';

/** What a directory proved of a user (structurally idp's LdapLogin: iam does not import idp). */
export interface LdapProof {
  readonly directory: string;
  readonly username: string;
  readonly userDn: string;
  readonly groupDns: readonly string[];
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/** Group DNs carried in a session token at most (characters): more are read from the store only. */
export const MAX_TOKEN_GROUPS_CHARS = 4096;

/** An attribute's values carried as a claim at most (characters). */
export const MAX_ATTRIBUTE_CHARS = 1024;

/** What the directory sync did to one user. */
export type LdapSyncOutcome = 'unchanged' | 'updated' | 'removed' | 'restored';

/** MinIO's PolicyEntitiesResult (madmin-go), without the timestamp. */
export interface LdapPolicyEntities {
  userMappings: { user: string; policies: string[] }[];
  groupMappings: { group: string; policies: string[] }[];
  policyMappings: { policy: string; users: string[]; groups: string[] }[];
}

function claimValue(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? values[0]! : Object.freeze([...values]);
}

/**
 * LDAP identities in the IAM directory (docs/ldap.md): DN → policy mappings, the LDAP users seen
 * and their state, and their just-in-time directory users (federated-users.ts: the name is
 * federatedUserName of `ldap:<directory>` and the DN). The sync's findings go through
 * `applySync`, which also disables the directory user of a missing or disabled LDAP user (so its
 * service accounts stop at once) and enables it again when the directory says it is back.
 */
export class LdapIdentityDirectory {
  constructor(
    private readonly c: DirectoryContext,
    private readonly users: UserDirectory,
    private readonly policies: PolicyDirectory,
    private readonly federatedUsers: FederatedUserDirectory,
  ) {}

  get #store(): IamStore {
    return this.c.store;
  }
  get #clock(): Clock {
    return this.c.clock;
  }
  get #arns(): IamArns {
    return this.c.arns;
  }

  /** The just-in-time directory user's name of an LDAP user (bucket policies name its ARN). */
  userName(directory: string, dn: string): string {
    return federatedUserName({ source: `${LDAP_SOURCE_PREFIX}${directory}`, subject: normalizeDn(dn) });
  }

  /** The ARN of that directory user: `arn:aws:iam::<account>:user/<name>`. */
  userArn(account: string, directory: string, dn: string): string {
    return this.#arns.user(account, this.userName(directory, dn));
  }

  /**
   * The parent of an LDAP session: ldap:username, ldap:user and the configured attributes as
   * claims (condition keys ldap:<name>), the groups (ldap:groups; resolved afresh per request),
   * and the directory user's ARN as its ARN, so a bucket policy naming that user matches it.
   */
  identity(p: LdapProof, account = ''): FederatedIdentity {
    const source = `${LDAP_SOURCE_PREFIX}${p.directory}`;
    const claims: Record<string, string | readonly string[]> = {};
    // Attributes go into the token: a bulky one (a photo, a certificate) is left out.
    for (const [k, v] of Object.entries(p.attributes))
      if (v.length > 0 && v.join('').length <= MAX_ATTRIBUTE_CHARS) claims[k] = claimValue(v);
    claims.username = p.username;
    claims.user = p.userDn;
    const groups = p.groupDns.join('').length <= MAX_TOKEN_GROUPS_CHARS ? [...p.groupDns] : [];
    return Object.freeze({
      kind: 'federated',
      account,
      source,
      issuer: source,
      subject: p.userDn,
      name: p.username,
      arn: this.#arns.user(account, federatedUserName({ source, subject: p.userDn })),
      userId: `${p.directory}:${p.userDn}`,
      policies: [],
      groups: Object.freeze(groups),
      claims: Object.freeze(claims),
    });
  }

  /** The policy names mapped to the user's DN and to its groups' DNs (AccessDenied when none). */
  async mappedPolicies(account: string, p: LdapProof): Promise<string[]> {
    const snap = await this.#store.ldapSnapshot(account, p.directory, p.userDn, p.groupDns);
    const groups = new Set(p.groupDns);
    return [
      ...new Set(snap.mappings.filter((m) => m.kind === 'user' || groups.has(m.dn)).map((m) => m.policy)),
    ];
  }

  /**
   * Records a login or a provisioning: the user's state (active), groups and last login, and its
   * directory user (created the first time; enabled again if the sync had disabled it).
   */
  async recordLogin(p: LdapProof, account = '', login = true): Promise<string> {
    const now = this.#clock.now();
    const before = await this.#store.getLdapUser(p.directory, p.userDn);
    const record: IamLdapUserRecord = {
      directory: p.directory,
      dn: p.userDn,
      account,
      username: p.username,
      userName: federatedUserName({ source: `${LDAP_SOURCE_PREFIX}${p.directory}`, subject: p.userDn }),
      groupDns: [...p.groupDns],
      state: 'active',
      suspended: false,
      ...(login
        ? { lastLogin: now }
        : before?.lastLogin === undefined
          ? {}
          : { lastLogin: before.lastLogin }),
      ...(before?.lastSync === undefined ? {} : { lastSync: before.lastSync }),
    };
    const name = await this.federatedUsers.recordLogin(this.identity(p, account));
    if (before?.suspended === true) await this.#setUserStatus(account, name, 'enabled');
    // Logins stay write-free while nothing changed (last login refreshed now and then).
    const same =
      before !== undefined &&
      before.state === 'active' &&
      !before.suspended &&
      before.username === record.username &&
      before.groupDns.length === record.groupDns.length &&
      before.groupDns.every((g, i) => g === record.groupDns[i]) &&
      (!login || (before.lastLogin !== undefined && now - before.lastLogin < LAST_LOGIN_EVERY_MS));
    if (!same && (await this.#store.putLdapUser(record))) this.c.changed('ldap', account, '');
    return name;
  }

  /**
   * Applies what the directory says of a stored user now. Missing or disabled: state stored,
   * directory user disabled (its service accounts refused), 'removed' (the caller revokes the
   * sessions). Active again: 'restored' (directory user enabled; revoked sessions stay revoked).
   */
  async applySync(
    u: IamLdapUserRecord,
    found: { state: LdapUserStateName; groupDns?: readonly string[] },
  ): Promise<LdapSyncOutcome> {
    const now = this.#clock.now();
    const name = this.userName(u.directory, u.dn);
    const groups = found.state === 'active' ? [...(found.groupDns ?? [])] : u.groupDns;
    const same = groups.length === u.groupDns.length && groups.every((g, i) => g === u.groupDns[i]);
    if (found.state === u.state && same) return 'unchanged';
    const active = found.state === 'active';
    let suspended = active ? false : u.suspended;
    // Only a directory user that is enabled is disabled (and later enabled again): one an
    // administrator disabled stays so.
    if (!active && !u.suspended && (await this.#store.getUser(u.account, name))?.status === 'enabled') {
      await this.#setUserStatus(u.account, name, 'disabled');
      suspended = true;
    }
    if (active && u.suspended) await this.#setUserStatus(u.account, name, 'enabled');
    await this.#store.putLdapUser({ ...u, groupDns: groups, state: found.state, suspended, lastSync: now });
    this.c.changed('ldap', u.account, '');
    if (!active) return u.state === 'active' ? 'removed' : 'updated';
    return u.state === 'active' ? 'updated' : 'restored';
  }

  /** Stamps the users the sync found unchanged. */
  async touch(keys: readonly { directory: string; dn: string }[]): Promise<void> {
    await this.#store.touchLdapUsers(keys, this.#clock.now());
  }

  /** The directory sync's lease (one process of a deployment syncs at a time). */
  claimSyncLease(holder: string, now: number, until: number): Promise<boolean> {
    return this.#store.claimLdapSyncLease(holder, now, until);
  }

  /** The stored state of an LDAP user (undefined: never seen). */
  storedUser(directory: string, dn: string): Promise<IamLdapUserRecord | undefined> {
    return this.#store.getLdapUser(directory, normalizeDn(dn));
  }

  listUsers(): Promise<IamLdapUserRecord[]> {
    return this.#store.listLdapUsers();
  }

  /** Maps policies to a user or group DN (MinIO's `idp ldap policy attach`); NoSuchEntity for an unknown policy. */
  async attach(
    account: string,
    kind: LdapMappingKind,
    dn: string,
    names: readonly string[],
  ): Promise<string[]> {
    const policies = await this.#existing(account, names);
    const added = await this.#store.attachLdapPolicies(
      account,
      kind,
      normalizeDn(dn),
      policies,
      this.#clock.now(),
    );
    if (added.length > 0) this.c.changed('ldap', account, '');
    return added;
  }

  /** Removes mappings; InvalidParameterValue when none of them was attached (MinIO refuses that too). */
  async detach(
    account: string,
    kind: LdapMappingKind,
    dn: string,
    names: readonly string[],
  ): Promise<string[]> {
    if (names.length === 0) throw new TesseraError('InvalidParameterValue', 'No policy was given.');
    const removed = await this.#store.detachLdapPolicies(account, kind, normalizeDn(dn), names);
    if (removed.length > 0) this.c.changed('ldap', account, '');
    return removed;
  }

  /** MinIO's policy-entities answer for the users, groups and policies asked (everything when none). */
  async entities(
    account: string,
    q: { users?: readonly string[]; groups?: readonly string[]; policies?: readonly string[] },
  ): Promise<LdapPolicyEntities> {
    const users = (q.users ?? []).map(normalizeDn);
    const groups = (q.groups ?? []).map(normalizeDn);
    const policies = q.policies ?? [];
    const all = users.length + groups.length + policies.length === 0;
    const rows = await this.#store.listLdapMappings(account, { users, groups, policies });
    const by = (rs: IamLdapMappingRecord[], key: (r: IamLdapMappingRecord) => string) => {
      const m = new Map<string, IamLdapMappingRecord[]>();
      for (const r of rs) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
      return m;
    };
    const wanted = (kind: LdapMappingKind, list: string[]) =>
      rows.filter((r) => r.kind === kind && (all || list.includes(r.dn)));
    const out: LdapPolicyEntities = { userMappings: [], groupMappings: [], policyMappings: [] };
    for (const [user, rs] of by(wanted('user', users), (r) => r.dn))
      out.userMappings.push({ user, policies: rs.map((r) => r.policy) });
    for (const [group, rs] of by(wanted('group', groups), (r) => r.dn))
      out.groupMappings.push({ group, policies: rs.map((r) => r.policy) });
    const lower = policies.map((p) => p.toLowerCase());
    const ofPolicy = rows.filter((r) => all || lower.includes(r.policy.toLowerCase()));
    for (const [policy, rs] of by(ofPolicy, (r) => r.policy)) {
      out.policyMappings.push({
        policy,
        users: rs.filter((r) => r.kind === 'user').map((r) => r.dn),
        groups: rs.filter((r) => r.kind === 'group').map((r) => r.dn),
      });
    }
    return out;
  }

  async #existing(account: string, names: readonly string[]): Promise<string[]> {
    if (names.length === 0) throw new TesseraError('InvalidParameterValue', 'No policy was given.');
    const out: string[] = [];
    for (const name of names) out.push((await this.policies.get(account, name)).name);
    return out;
  }

  async #setUserStatus(account: string, name: string, status: 'enabled' | 'disabled'): Promise<void> {
    try {
      await this.users.setStatus(account, name, status);
    } catch (e) {
      if (!isTesseraError(e, 'NoSuchEntity')) throw e;
    }
  }
}
