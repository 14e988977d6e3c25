import { TesseraError } from '../core/index.js';
import {
  type CompiledPolicy,
  compiledBuiltin,
  compilePolicy,
  isBuiltinName,
  type ParseOptions,
  parsePolicy,
} from '../policy/index.js';
import type { IdentitySnapshot, RoleSnapshot } from '../storage/index.js';
import { type CachedIdentity, entityKey, type IamCache } from './cache.js';

const builtins = new Map<string, CompiledPolicy>();

/** Built-in policies compiled once per process. */
export function builtinCompiled(name: string): CompiledPolicy | undefined {
  if (!isBuiltinName(name)) return undefined;
  let p = builtins.get(name);
  if (p === undefined) builtins.set(name, (p = compiledBuiltin(name)));
  return p;
}

/** Allows everything: the identity of root's service accounts (their embedded policy narrows it). */
export const ALLOW_ALL: CompiledPolicy = compilePolicy(
  parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
  'root',
);

/**
 * Compiles a stored document once per (label, text): content-addressed, so never stale. A stored
 * document that no longer parses fails closed (InternalError): skipping it could drop a Deny.
 */
export function compileStored(
  cache: IamCache,
  label: string,
  text: string,
  opts: ParseOptions,
): CompiledPolicy {
  const key = `${opts.kind}\u0000${opts.bucket ?? ''}\u0000${label}\u0000${text}`;
  let p = cache.compiled.get(key);
  if (p !== undefined) return p;
  try {
    p = compilePolicy(parsePolicy(text, opts), label);
  } catch (e) {
    throw new TesseraError('InternalError', `stored policy ${label} does not parse: ${(e as Error).message}`);
  }
  cache.compiled.set(key, p);
  return p;
}

/**
 * A user's identity policies: its attached managed policies and inline policies, then those of
 * each enabled group. A disabled or missing user gets none. Labels (StatementRef.policy): the
 * managed policy's name; `user/<name>/<policy>` and `group/<name>/<policy>` for inline policies.
 */
export function buildIdentity(cache: IamCache, snap: IdentitySnapshot | undefined): CachedIdentity {
  if (snap === undefined) return { policies: [], groups: [], policyNames: [] };
  const account = snap.user.account;
  const groups = snap.groups.map((g) => entityKey(account, g.name));
  const names = [snap.attached.user, ...Object.values(snap.attached.groups)].flat();
  const policyNames = [...new Set(names.map((n) => entityKey(account, n)))];
  if (snap.user.status !== 'enabled') return { policies: [], groups, policyNames, disabled: true };
  const policies: CompiledPolicy[] = [];
  const identity = { kind: 'identity' } as const;
  const managed = (name: string) => {
    const text = snap.documents[name];
    const p = text === undefined ? builtinCompiled(name) : compileStored(cache, name, text, identity);
    if (p !== undefined) policies.push(p);
  };
  snap.attached.user.forEach(managed);
  for (const p of snap.inline.user) {
    policies.push(compileStored(cache, `user/${snap.user.name}/${p.name}`, p.document, identity));
  }
  for (const g of snap.groups) {
    // "A disabled group contributes no permissions."
    if (g.status !== 'enabled') continue;
    (snap.attached.groups[g.name] ?? []).forEach(managed);
    for (const p of snap.inline.groups[g.name] ?? []) {
      policies.push(compileStored(cache, `group/${g.name}/${p.name}`, p.document, identity));
    }
  }
  return { policies: Object.freeze(policies), groups, policyNames };
}

/** The identity cache key of a federated identity's policy set: its account, policy names and groups. */
export function federatedKey(f: {
  readonly account: string;
  readonly policies: readonly string[];
  readonly groups?: readonly string[];
}): string {
  const sorted = (xs: readonly string[]) =>
    [...xs]
      .map((n) => n.toLowerCase())
      .sort()
      .join('\u0000');
  return `federated\u0000${f.account}\u0000${sorted(f.policies)}\u0001${sorted(f.groups ?? [])}`;
}

/** What a group of the directory gives a federated identity whose groups claim names it. */
export interface FederatedGroup {
  readonly name: string;
  readonly attached: readonly string[];
  readonly inline: readonly { readonly name: string; readonly document: string }[];
}

/**
 * A federated identity's policies: the managed policies (or built-ins) its claims name, as they
 * are now, and those of the enabled groups of the directory its groups claim names (attached and
 * inline). `documents`: name → the default version's text (absent: a built-in, or no such
 * policy — which then grants nothing).
 */
export function buildFederated(
  cache: IamCache,
  account: string,
  names: readonly string[],
  documents: Readonly<Record<string, string>>,
  groups: readonly FederatedGroup[] = [],
  claimedGroups: readonly string[] = groups.map((g) => g.name),
): CachedIdentity {
  const policies: CompiledPolicy[] = [];
  const managed = (name: string) => {
    const text = documents[name];
    const p =
      text === undefined ? builtinCompiled(name) : compileStored(cache, name, text, { kind: 'identity' });
    if (p !== undefined) policies.push(p);
  };
  names.forEach(managed);
  for (const g of groups) {
    g.attached.forEach(managed);
    for (const p of g.inline) {
      policies.push(compileStored(cache, `group/${g.name}/${p.name}`, p.document, { kind: 'identity' }));
    }
  }
  const all = [...names, ...groups.flatMap((g) => g.attached)];
  const policyNames = [...new Set(all.map((n) => entityKey(account, n)))];
  return {
    policies: Object.freeze(policies),
    // Every group the claim names, existing or not: creating one, or changing its policies,
    // evicts this entry (the change feed evicts by group).
    groups: [...new Set(claimedGroups.map((g) => entityKey(account, g)))],
    policyNames,
  };
}

/**
 * A role's policies (the identity layer of its sessions): its attached managed policies and its
 * inline policies, labelled `role/<name>/<policy>`. A missing role grants nothing.
 */
export function buildRole(cache: IamCache, snap: RoleSnapshot | undefined): CachedIdentity {
  if (snap === undefined) return { policies: [], groups: [], policyNames: [] };
  const account = snap.role.account;
  const identity = { kind: 'identity' } as const;
  const policies: CompiledPolicy[] = [];
  for (const name of snap.attached) {
    const text = snap.documents[name];
    const p = text === undefined ? builtinCompiled(name) : compileStored(cache, name, text, identity);
    if (p !== undefined) policies.push(p);
  }
  for (const p of snap.inline) {
    policies.push(compileStored(cache, `role/${snap.role.name}/${p.name}`, p.document, identity));
  }
  const policyNames = [...new Set(snap.attached.map((n) => entityKey(account, n)))];
  return { policies: Object.freeze(policies), groups: [], policyNames };
}
