import {
  isTesseraError,
  type PrincipalParent,
  type RootPrincipal,
  type ServiceAccountPrincipal,
  type UserPrincipal,
} from '../core/index.js';
import type {
  IamAccountRecord,
  IamGroupRecord,
  IamServiceAccountRecord,
  IamStore,
  IamUserRecord,
} from '../storage/index.js';
import type { IamArns } from './arn.js';
import { type CachedCredential, entityKey } from './cache.js';
import { secretContext } from './context.js';
import type { SecretBox } from './secret-box.js';

export interface LoadDeps {
  readonly store: IamStore;
  readonly box: SecretBox;
  readonly arns: IamArns;
  readonly root: { readonly accessKey: string };
  readonly now: () => number;
}

const DENIED = (userKey: string | undefined, groups: readonly string[] = []): CachedCredential =>
  userKey === undefined ? { credential: undefined, groups } : { credential: undefined, userKey, groups };

async function groupsOf(store: IamStore, user: IamUserRecord): Promise<IamGroupRecord[] | undefined> {
  try {
    return await store.listGroupsForUser(user.account, user.name);
  } catch (e) {
    if (isTesseraError(e, 'NoSuchEntity')) return undefined; // deleted meanwhile
    throw e;
  }
}

/** The principal fields a user gives itself and its service accounts (aws:username, userid, groups, tags). */
function userFields(d: LoadDeps, user: IamUserRecord, groups: IamGroupRecord[]) {
  return {
    account: user.account,
    name: user.name,
    arn: d.arns.user(user.account, user.name),
    userId: user.id,
    groups: Object.freeze(groups.filter((g) => g.status === 'enabled').map((g) => g.name)),
    tags: Object.freeze(Object.fromEntries(user.tags.map((t) => [t.key, t.value]))),
  };
}

async function forUser(d: LoadDeps, user: IamUserRecord): Promise<CachedCredential> {
  const userKey = entityKey(user.account, user.name);
  const groups = await groupsOf(d.store, user);
  if (groups === undefined) return DENIED(userKey);
  const groupKeys = groups.map((g) => entityKey(g.account, g.name));
  if (user.status !== 'enabled' || user.secretCiphertext === undefined) return DENIED(userKey, groupKeys);
  const principal: UserPrincipal = Object.freeze({
    kind: 'user',
    accessKey: user.accessKey,
    ...userFields(d, user, groups),
  });
  const secretKey = d.box.decrypt(user.secretCiphertext, secretContext.user(user.account, user.name));
  return { credential: { accessKey: user.accessKey, secretKey, principal }, userKey, groups: groupKeys };
}

async function forServiceAccount(d: LoadDeps, sa: IamServiceAccountRecord): Promise<CachedCredential> {
  const base = (entry: CachedCredential): CachedCredential => {
    const out = { ...entry } as { -readonly [K in keyof CachedCredential]: CachedCredential[K] };
    if (sa.expiresAt !== undefined) out.expiresAt = sa.expiresAt;
    if (sa.policy !== undefined) out.embeddedPolicy = sa.policy;
    return out;
  };
  const expired = sa.expiresAt !== undefined && d.now() >= sa.expiresAt;
  let fields: Omit<ServiceAccountPrincipal, 'kind' | 'accessKey' | 'expiresAt'>;
  let userKey: string | undefined;
  let groupKeys: string[] = [];
  if (sa.parentType === 'user') {
    userKey = entityKey(sa.account, sa.parent);
    const parent = await d.store.getUser(sa.account, sa.parent);
    const groups = parent === undefined ? undefined : await groupsOf(d.store, parent);
    if (parent === undefined || groups === undefined) return base(DENIED(userKey));
    groupKeys = groups.map((g) => entityKey(g.account, g.name));
    // "Disabling or deleting the parent disables them at once."
    if (parent.status !== 'enabled') return base(DENIED(userKey, groupKeys));
    const of: PrincipalParent = { kind: 'user', name: parent.name };
    fields = { ...userFields(d, parent, groups), parent: of };
  } else {
    // An account root's key (docs/accounts.md): gone with its account.
    const owner = sa.account === '' ? undefined : await d.store.getAccount(sa.account);
    if (sa.account !== '' && owner === undefined) return base(DENIED(undefined));
    fields = {
      account: sa.account,
      name: owner?.rootAccessKey ?? d.root.accessKey,
      arn: d.arns.root(sa.account),
      userId: d.arns.accountId(sa.account),
      parent: { kind: 'root' },
      groups: Object.freeze([]),
      tags: Object.freeze({}),
    };
  }
  if (sa.status !== 'enabled' || expired) return base(DENIED(userKey, groupKeys));
  const principal: ServiceAccountPrincipal = {
    kind: 'serviceAccount',
    accessKey: sa.accessKey,
    ...fields,
    ...(sa.expiresAt === undefined ? {} : { expiresAt: sa.expiresAt }),
  };
  const secretKey = d.box.decrypt(sa.secretCiphertext, secretContext.serviceAccount(sa.accessKey));
  const credential = { accessKey: sa.accessKey, secretKey, principal: Object.freeze(principal) };
  return base(
    userKey === undefined ? { credential, groups: groupKeys } : { credential, userKey, groups: groupKeys },
  );
}

/**
 * One place credentials come from: resolves an access key it knows (a hit, possibly denied),
 * or undefined to let the next source try. Sessions (STS) join this list with their issue.
 */
export type CredentialSource = (d: LoadDeps, accessKey: string) => Promise<CachedCredential | undefined>;

/** Users sign with access key = user name (MinIO-style users with a secret). */
const users: CredentialSource = async (d, accessKey) => {
  const user = await d.store.getUserByAccessKey(accessKey);
  return user === undefined ? undefined : forUser(d, user);
};

/** Service accounts (a user's or root's access keys). */
const serviceAccounts: CredentialSource = async (d, accessKey) => {
  const sa = await d.store.getServiceAccount(accessKey);
  return sa === undefined ? undefined : forServiceAccount(d, sa);
};

/** An account's root (docs/accounts.md): allowed everything in its own account. */
function forAccountRoot(d: LoadDeps, a: IamAccountRecord): CachedCredential {
  const principal: RootPrincipal = Object.freeze({
    kind: 'root',
    account: a.id,
    accessKey: a.rootAccessKey,
    name: a.rootAccessKey,
    arn: d.arns.root(a.id),
    userId: a.id,
  });
  const secretKey = d.box.decrypt(a.rootSecretCiphertext, secretContext.accountRoot(a.id));
  return { credential: { accessKey: a.rootAccessKey, secretKey, principal }, groups: [] };
}

/** Accounts' root access keys. */
const accountRoots: CredentialSource = async (d, accessKey) => {
  const a = await d.store.getAccountByAccessKey(accessKey);
  return a === undefined ? undefined : forAccountRoot(d, a);
};

/** The sources, in the order they are asked (root is answered before any, by IamService). */
export const CREDENTIAL_SOURCES: readonly CredentialSource[] = [users, serviceAccounts, accountRoots];

/**
 * Resolves an access key from the store through each source in turn. Undefined when unknown
 * (not cached: unknown keys may be created at any time).
 */
export async function loadCredential(
  d: LoadDeps,
  accessKey: string,
  sources: readonly CredentialSource[] = CREDENTIAL_SOURCES,
): Promise<CachedCredential | undefined> {
  for (const source of sources) {
    const found = await source(d, accessKey);
    if (found !== undefined) return found;
  }
  return undefined;
}
