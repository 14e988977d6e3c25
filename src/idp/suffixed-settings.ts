/**
 * Settings of identity providers that come in named sets by a `_<NAME>` suffix (MinIO's
 * `MINIO_IDENTITY_OPENID_CONFIG_URL_KEYCLOAK`, `…_LDAP_SERVER_ADDR_CORP`): the parsing both the
 * OpenID Connect and the LDAP configurations share.
 */

type Env = Record<string, string | undefined>;

/** One variable found: its name (for error messages) and value. */
export interface Found {
  readonly variable: string;
  readonly value: string;
}

/** How a family of variables is named. */
export interface SuffixedFamily {
  /** The prefixes, the one that wins first: `['TESSERA_IDENTITY_LDAP_', 'MINIO_IDENTITY_LDAP_']`. */
  readonly prefixes: readonly string[];
  /** Every setting stem (longest first, so that `A_B` is not `A` with a suffix `B`). */
  readonly stems: readonly string[];
  /** What a set is called in messages: `directory`, `provider`. */
  readonly entity: string;
  /** The error for a variable of the family that names no stem. */
  readonly unknown: (variable: string) => string;
  /** Variables of the family that belong to no set (read elsewhere). */
  readonly ignore?: (rest: string) => boolean;
}

/** `variable` split into its stem and suffix, undefined when it is not of the family. */
function split(
  f: SuffixedFamily,
  variable: string,
): { stem: string; suffix: string; prefix: string } | undefined {
  for (const prefix of f.prefixes) {
    if (!variable.startsWith(prefix)) continue;
    const rest = variable.slice(prefix.length);
    if (f.ignore?.(rest)) return undefined;
    for (const stem of f.stems) {
      if (rest === stem) return { stem, suffix: '', prefix };
      if (rest.startsWith(`${stem}_`)) return { stem, suffix: rest.slice(stem.length + 1), prefix };
    }
    throw new Error(f.unknown(variable));
  }
  return undefined;
}

/**
 * The named sets the environment configures, `default` (no suffix) first, the others by name in
 * lower case; `get(stem)` finds a setting of the set under the first prefix that has it. Empty
 * values count as unset. `check(stem, variable)` may refuse a variable (it throws).
 */
export function suffixedSets(
  env: Env,
  f: SuffixedFamily,
  check?: (stem: string, variable: string) => void,
): { name: string; get: (stem: string) => Found | undefined }[] {
  // suffix → stem → prefix → found
  const bySuffix = new Map<string, Map<string, Map<string, Found>>>();
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || raw.trim() === '') continue;
    const parts = split(f, variable);
    if (parts === undefined) continue;
    if (parts.suffix !== '' && !/^[A-Za-z0-9_]+$/.test(parts.suffix))
      throw new Error(`${variable}: a ${f.entity} name is letters, digits and underscores`);
    if (variable.endsWith('_')) throw new Error(`${variable}: empty ${f.entity} name`);
    check?.(parts.stem, variable);
    const suffix = parts.suffix.toLowerCase();
    const stems = bySuffix.get(suffix) ?? new Map<string, Map<string, Found>>();
    bySuffix.set(suffix, stems);
    const prefixes = stems.get(parts.stem) ?? new Map<string, Found>();
    stems.set(parts.stem, prefixes);
    prefixes.set(parts.prefix, { variable, value: raw });
  }
  const names = [...bySuffix.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
  return names.map((suffix) => {
    const stems = bySuffix.get(suffix)!;
    const get = (s: string) => {
      const found = stems.get(s);
      if (found === undefined) return undefined;
      for (const p of f.prefixes) if (found.has(p)) return found.get(p);
      return undefined;
    };
    return { name: suffix === '' ? 'default' : suffix, get };
  });
}

/** `on`/`off` (and MinIO's other spellings); undefined when unset; an Error naming the variable otherwise. */
export function onOff(f: Found | undefined): boolean | undefined {
  if (f === undefined) return undefined;
  const v = f.value.trim().toLowerCase();
  if (['on', 'true', '1', 'yes', 'enable', 'enabled'].includes(v)) return true;
  if (['off', 'false', '0', 'no', 'disable', 'disabled'].includes(v)) return false;
  throw new Error(`${f.variable} must be on or off (got "${f.value}")`);
}
