/**
 * The searches a directory login runs, on a pooled lookup-bound connection: the user search
 * (over every user base DN, at most two entries each) and the group search (every group base DN,
 * paged, with optional client-side expansion of nested groups, bounded).
 */
import { type Entry, NoSuchObjectError } from 'ldapts';
import { normalizeDn, TesseraError } from '../../core/index.js';
import type { LdapDirectoryConfig } from './config.js';
import { fillFilter } from './filter.js';
import type { LdapPool } from './pool.js';
import type { LdapAttributes } from './types.js';

/** AD's userAccountControl ACCOUNTDISABLE bit. */
const ACCOUNTDISABLE = 0x2;
/** Most groups one user may have (direct and nested together). */
export const MAX_GROUPS = 10_000;
/** Most levels of nesting expanded. */
export const MAX_NESTING = 10;
/** Groups whose members are searched with one OR-ed filter while expanding nesting. */
const NESTING_BATCH = 50;
const PAGE_SIZE = 500;
/** Attributes that are binary in Active Directory: returned base64-encoded. */
const BINARY = ['objectGUID', 'objectSid'];

/** A user entry the user search found. */
export interface UserEntry {
  /** The DN as the directory spelled it (used for binds and %d). */
  readonly dn: string;
  readonly normalizedDn: string;
  readonly attributes: LdapAttributes;
  readonly disabled: boolean;
  /** The value of the attribute the user filter matches `%s` against, when it can tell. */
  readonly usernameValue?: string;
}

/** The attribute a user filter compares `%s` with (`(uid=%s)` → uid), when it has one. */
export function usernameAttribute(userFilter: string): string | undefined {
  return /\(([A-Za-z][A-Za-z0-9-]*)=%s\)/.exec(userFilter)?.[1];
}

function values(v: Entry[string] | undefined): string[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : String(x)));
}

/** The value of `name` in `entry`, whatever the case the server spelled the attribute in. */
function attribute(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? [] : values(entry[key]);
}

/** The attributes every user search asks for. */
export function userSearchAttributes(config: LdapDirectoryConfig): string[] {
  const u = usernameAttribute(config.userFilter);
  return [...new Set([...config.userAttributes, 'userAccountControl', ...(u === undefined ? [] : [u])])];
}

/** A user entry's meaning: its DN, configured attributes and whether AD disabled it. */
export function userEntry(config: LdapDirectoryConfig, entry: Entry): UserEntry {
  const attributes: Record<string, readonly string[]> = {};
  for (const name of config.userAttributes) {
    const v = attribute(entry, name);
    if (v.length > 0) attributes[name] = Object.freeze(v);
  }
  const uac = Number(attribute(entry, 'userAccountControl')[0] ?? '0');
  const u = usernameAttribute(config.userFilter);
  const usernameValue = u === undefined ? undefined : attribute(entry, u)[0];
  return {
    dn: entry.dn,
    normalizedDn: normalizeDn(entry.dn),
    attributes: Object.freeze(attributes),
    disabled: Number.isFinite(uac) && (uac & ACCOUNTDISABLE) !== 0,
    ...(usernameValue === undefined ? {} : { usernameValue }),
  };
}

/** The entries `filter` finds under `base` (a missing base finds none). */
async function searchBase(
  pool: LdapPool,
  base: string,
  filter: string,
  attributes: string[],
  opts: { sizeLimit?: number; paged?: boolean; scope?: 'sub' | 'base' },
): Promise<Entry[]> {
  try {
    return await pool.use(`the search under ${base}`, async (c) => {
      const r = await c.search(base, {
        scope: opts.scope ?? 'sub',
        filter,
        attributes,
        explicitBufferAttributes: BINARY,
        ...(opts.sizeLimit === undefined ? {} : { sizeLimit: opts.sizeLimit }),
        ...(opts.paged === true ? { paged: { pageSize: PAGE_SIZE } } : {}),
      });
      return r.searchEntries;
    });
  } catch (e) {
    if (e instanceof NoSuchObjectError) return [];
    throw e;
  }
}

/** The entries the user filter finds for `username` over every user base DN (without duplicates, at most 2). */
export async function searchUsers(
  pool: LdapPool,
  config: LdapDirectoryConfig,
  username: string,
): Promise<UserEntry[]> {
  const filter = fillFilter(config.userFilter, { username });
  const found = new Map<string, UserEntry>();
  for (const base of config.userBaseDns) {
    for (const e of await searchBase(pool, base, filter, userSearchAttributes(config), { sizeLimit: 2 })) {
      const u = userEntry(config, e);
      found.set(u.normalizedDn, u);
    }
    if (found.size > 1) break;
  }
  return [...found.values()];
}

/** The entry at `dn` if it still matches the user filter (with `%s` any value), else undefined. */
export async function readUser(
  pool: LdapPool,
  config: LdapDirectoryConfig,
  dn: string,
): Promise<UserEntry | undefined> {
  const norm = normalizeDn(dn);
  const under = config.userBaseDns.some((b) => {
    const base = normalizeDn(b);
    return norm === base || norm.endsWith(`,${base}`);
  });
  if (!under) return undefined;
  // `(uid=%s)` becomes `(uid=*)`: the entry still has what the filter asks of every user.
  const filter = config.userFilter.replace(/%s/g, '*');
  const [e] = await searchBase(pool, dn, filter, userSearchAttributes(config), { scope: 'base' });
  return e === undefined ? undefined : userEntry(config, e);
}

/** One group search: the DNs (as spelled, keyed by normalized DN) `filter` finds over every group base DN. */
async function groupSearch(
  pool: LdapPool,
  config: LdapDirectoryConfig,
  filter: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const base of config.groupBaseDns) {
    for (const e of await searchBase(pool, base, filter, ['1.1'], { paged: true })) {
      out.set(normalizeDn(e.dn), e.dn);
      if (out.size > MAX_GROUPS) throw tooMany(config.name);
    }
  }
  return out;
}

function tooMany(directory: string): TesseraError {
  return new TesseraError(
    'IDPCommunicationError',
    `The LDAP directory ${directory} reports more than ${MAX_GROUPS} groups for the user.`,
  );
}

/**
 * The normalized DNs of the user's groups, sorted: the group filter's matches and, when nested
 * groups are on, the groups those are members of, up to MAX_NESTING levels.
 */
export async function searchGroups(
  pool: LdapPool,
  config: LdapDirectoryConfig,
  user: { dn: string; username: string },
): Promise<string[]> {
  const template = config.groupFilter;
  if (template === undefined || config.groupBaseDns.length === 0) return [];
  const found = await groupSearch(
    pool,
    config,
    fillFilter(template, { username: user.username, userDn: user.dn }),
  );
  let frontier = [...found.values()];
  for (let level = 0; config.nestedGroups && frontier.length > 0 && level < MAX_NESTING; level++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += NESTING_BATCH) {
      const parts = frontier
        .slice(i, i + NESTING_BATCH)
        .map((g) => fillFilter(template, { username: user.username, userDn: g }));
      const filter = parts.length === 1 ? parts[0]! : `(|${parts.join('')})`;
      for (const [norm, dn] of await groupSearch(pool, config, filter)) {
        if (found.has(norm)) continue;
        found.set(norm, dn);
        next.push(dn);
        if (found.size > MAX_GROUPS) throw tooMany(config.name);
      }
    }
    frontier = next;
  }
  return [...found.keys()].sort();
}
