import { normalizeDn } from '../../core/index.js';
import { type Found, onOff, suffixedSets } from '../suffixed-settings.js';
import { fillFilter, wellFormedFilter } from './filter.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One LDAP / Active Directory configuration (docs/ldap.md). */
export interface LdapDirectoryConfig {
  /** `default`, or the lower-cased `_<NAME>` suffix of its variables. */
  readonly name: string;
  /** `ldap://host:port` or `ldaps://host:port`: how the directory is reached. */
  readonly url: string;
  /** Plain `ldap://` upgraded with StartTLS before anything is sent. */
  readonly startTls: boolean;
  /** TLS without verifying the server's certificate (tests and labs only). */
  readonly tlsSkipVerify: boolean;
  /** PEM file of the CA(s) that sign the directory's certificate (else the system's). */
  readonly caFile?: string;
  readonly lookupBindDn: string;
  readonly lookupBindPassword: string;
  /** Where users are searched (subtree), each in turn. */
  readonly userBaseDns: readonly string[];
  /** Finds a user: `%s` is the RFC 4515-escaped username. */
  readonly userFilter: string;
  /** Attributes of the user entry returned with a login (claims). */
  readonly userAttributes: readonly string[];
  /** Where groups are searched (subtree); empty: no group search. */
  readonly groupBaseDns: readonly string[];
  /** Finds a user's groups: `%s` the escaped username, `%d` the escaped user DN. */
  readonly groupFilter?: string;
  /** Expands group membership client-side: groups whose members are the groups found, recursively. */
  readonly nestedGroups: boolean;
  /** Bounds connecting and each operation, in milliseconds. */
  readonly timeoutMs: number;
  /** Most pooled connections (lookup-bound searches; as many again for user binds). */
  readonly poolSize: number;
}

export const DEFAULT_LDAP_TIMEOUT_MS = 5000;
export const DEFAULT_LDAP_POOL_SIZE = 8;

const PREFIXES = ['TESSERA_IDENTITY_LDAP_', 'MINIO_IDENTITY_LDAP_'] as const;

const SETTINGS = [
  'SERVER_ADDR',
  'SERVER_STARTTLS',
  'SERVER_INSECURE',
  'TLS_SKIP_VERIFY',
  'TLS_CA_FILE',
  'LOOKUP_BIND_DN',
  'LOOKUP_BIND_PASSWORD',
  'USER_DN_SEARCH_BASE_DN',
  'USER_DN_SEARCH_FILTER',
  'USER_DN_ATTRIBUTES',
  'GROUP_SEARCH_BASE_DN',
  'GROUP_SEARCH_FILTER',
  'NESTED_GROUPS',
  'TIMEOUT',
  'POOL_SIZE',
  'ENABLE',
] as const;
type Setting = (typeof SETTINGS)[number];

/** MinIO settings accepted and ignored: a comment, and the deprecated STS_EXPIRY (DurationSeconds governs). */
const IGNORED = ['COMMENT', 'STS_EXPIRY'];

/** Settings of the LDAP feature as a whole, not of a directory (no `_<NAME>` suffix). */
const SERVER_WIDE = ['SYNC_INTERVAL'];

/** MinIO settings Tessera refuses, with the reason. */
const REFUSED: Record<string, string> = {
  USERNAME_FORMAT: 'is not supported: configure LOOKUP_BIND_DN and USER_DN_SEARCH_FILTER (lookup-bind mode)',
  USERNAME_SEARCH_FILTER: 'is an old name: use USER_DN_SEARCH_FILTER',
  USERNAME_SEARCH_BASE_DN: 'is an old name: use USER_DN_SEARCH_BASE_DN',
  GROUP_NAME_ATTRIBUTE: 'is not supported: groups are identified by their DN',
  SRV_RECORD_NAME: 'is not supported: give SERVER_ADDR',
};

const STEMS = [...SETTINGS, ...IGNORED, ...Object.keys(REFUSED)].sort((a, b) => b.length - a.length);

/** SERVER_ADDR: `host[:port]`, `[v6]:port`, `ldap://host[:port]` or `ldaps://host[:port]`. */
function serverUrl(f: Found, startTls: boolean, insecure: boolean): string {
  const raw = f.value.trim();
  const scheme = /^(ldaps?):\/\//i.exec(raw)?.[1]?.toLowerCase();
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `ldap://${raw}` : raw);
  } catch {
    throw new Error(`${f.variable} must be host:port or an ldap:// or ldaps:// URL (got "${raw}")`);
  }
  if (
    url.hostname === '' ||
    (url.pathname !== '' && url.pathname !== '/') ||
    url.search !== '' ||
    url.username !== ''
  )
    throw new Error(`${f.variable} must be host:port or an ldap:// or ldaps:// URL (got "${raw}")`);
  // MinIO: TLS from the start unless SERVER_STARTTLS or SERVER_INSECURE says otherwise.
  const tls = scheme === 'ldaps' || (scheme === undefined && !startTls && !insecure);
  if (tls && startTls) throw new Error(`${f.variable} is an ldaps:// address: SERVER_STARTTLS cannot be on`);
  if (!tls && !startTls && !insecure)
    throw new Error(
      `${f.variable} is a plain ldap:// address: turn SERVER_STARTTLS on, or SERVER_INSECURE on to send passwords unencrypted`,
    );
  const port = url.port === '' ? (tls ? 636 : 389) : Number(url.port);
  return `${tls ? 'ldaps' : 'ldap'}://${url.hostname}:${port}`;
}

function dns(f: Found | undefined): string[] {
  if (f === undefined) return [];
  const out = f.value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const dn of out) {
    try {
      if (normalizeDn(dn) === '') throw new Error('empty');
    } catch {
      throw new Error(`${f.variable}: "${dn}" is not a valid DN`);
    }
  }
  return out;
}

function filter(f: Found, placeholders: RegExp, needs: string): string {
  const v = f.value.trim();
  const sample = fillFilter(v, { username: 'x', userDn: 'cn=x' });
  if (!wellFormedFilter(sample)) throw new Error(`${f.variable} is not an LDAP filter (got "${v}")`);
  if (!placeholders.test(v)) throw new Error(`${f.variable} must contain ${needs} (got "${v}")`);
  return v;
}

function whole(f: Found | undefined, fallback: number, min: number, max: number, unit: string): number {
  if (f === undefined) return fallback;
  const v = f.value.trim();
  const m = /^(\d+)(ms|s)?$/.exec(v);
  const n = m === null ? Number.NaN : Number(m[1]) * (unit === 'ms' && m[2] !== 'ms' ? 1000 : 1);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new Error(
      `${f.variable} must be ${unit === 'ms' ? 'a duration (5s, 1500ms)' : 'a whole number'} from ${min} to ${max}${unit === 'ms' ? ' ms' : ''} (got "${v}")`,
    );
  return n;
}

function directory(name: string, get: (s: Setting) => Found | undefined): LdapDirectoryConfig | undefined {
  if (onOff(get('ENABLE')) === false) return undefined;
  const addr = get('SERVER_ADDR');
  if (addr === undefined) {
    const other = SETTINGS.filter((s) => s !== 'ENABLE')
      .map(get)
      .find((f) => f !== undefined);
    if (other === undefined) return undefined;
    throw new Error(`${other.variable} is set, but not the SERVER_ADDR of that directory`);
  }
  const need = (s: Setting): Found => {
    const f = get(s);
    if (f === undefined) throw new Error(`${addr.variable} is set, but not the ${s} of that directory`);
    return f;
  };
  const startTls = onOff(get('SERVER_STARTTLS')) ?? false;
  const insecure = onOff(get('SERVER_INSECURE')) ?? false;
  const url = serverUrl(addr, startTls, insecure);
  const lookupBindDn = need('LOOKUP_BIND_DN');
  dns(lookupBindDn);
  const userBaseDns = dns(need('USER_DN_SEARCH_BASE_DN'));
  const userFilter = filter(need('USER_DN_SEARCH_FILTER'), /%s/, '%s (the username)');
  const groupFilterF = get('GROUP_SEARCH_FILTER');
  const groupBaseF = get('GROUP_SEARCH_BASE_DN');
  if ((groupFilterF === undefined) !== (groupBaseF === undefined))
    throw new Error(
      `${(groupFilterF ?? groupBaseF)!.variable} is set without GROUP_SEARCH_${groupFilterF === undefined ? 'FILTER' : 'BASE_DN'}: set both or neither`,
    );
  const groupFilter =
    groupFilterF === undefined ? undefined : filter(groupFilterF, /%[sd]/, '%d (the user DN) or %s');
  const nestedF = get('NESTED_GROUPS');
  const nestedGroups = onOff(nestedF) ?? false;
  if (nestedGroups && (groupFilter === undefined || !groupFilter.includes('%d')))
    throw new Error(
      `${nestedF!.variable} needs a GROUP_SEARCH_FILTER with %d (groups are expanded by member DN)`,
    );
  const caFile = get('TLS_CA_FILE')?.value.trim();
  const attributes = (get('USER_DN_ATTRIBUTES')?.value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const a of attributes)
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(a))
      throw new Error(`${get('USER_DN_ATTRIBUTES')!.variable}: "${a}" is not an attribute name`);
  return Object.freeze({
    name,
    url,
    startTls,
    tlsSkipVerify: onOff(get('TLS_SKIP_VERIFY')) ?? false,
    ...(caFile === undefined ? {} : { caFile }),
    lookupBindDn: lookupBindDn.value.trim(),
    lookupBindPassword: need('LOOKUP_BIND_PASSWORD').value,
    userBaseDns: Object.freeze(userBaseDns),
    userFilter,
    userAttributes: Object.freeze([...new Set(attributes)]),
    groupBaseDns: Object.freeze(dns(groupBaseF)),
    ...(groupFilter === undefined ? {} : { groupFilter }),
    nestedGroups,
    timeoutMs: whole(get('TIMEOUT'), DEFAULT_LDAP_TIMEOUT_MS, 100, 120_000, 'ms'),
    poolSize: whole(get('POOL_SIZE'), DEFAULT_LDAP_POOL_SIZE, 1, 256, ''),
  });
}

/**
 * The LDAP directories the environment configures: MinIO's MINIO_IDENTITY_LDAP_* variables and
 * their TESSERA_IDENTITY_LDAP_* equivalents (Tessera's wins), each optionally with a `_<NAME>`
 * suffix for another directory. Pure; throws an Error naming the variable of an invalid setting
 * (never a password's value). `default` comes first.
 * @example parseLdapConfig({ MINIO_IDENTITY_LDAP_SERVER_ADDR: 'ldap.example.org:636', … })
 */
export function parseLdapConfig(env: Env): LdapDirectoryConfig[] {
  const family = {
    prefixes: PREFIXES,
    stems: STEMS,
    entity: 'directory',
    unknown: (v: string) => `${v} is not an LDAP setting (docs/ldap.md lists them)`,
    // Server-wide, not one directory's (docs/ldap.md "Directory sync"; read by the server's config).
    ignore: (rest: string) => SERVER_WIDE.includes(rest),
  };
  const refuse = (stem: string, variable: string) => {
    const refused = REFUSED[stem];
    if (refused !== undefined) throw new Error(`${variable} ${refused} (docs/ldap.md)`);
  };
  const out: LdapDirectoryConfig[] = [];
  for (const { name, get } of suffixedSets(env, family, refuse)) {
    const d = directory(name, get);
    if (d !== undefined) out.push(d);
  }
  return out;
}
