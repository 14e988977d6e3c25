/**
 * LDAP search filters built from a configured template and untrusted values (RFC 4515), so that
 * no username or DN can change a filter's structure.
 */

/**
 * A value escaped for a filter's assertion value (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL as
 * `\XX`, and the other ASCII control characters too. Non-ASCII characters stay as they are:
 * RFC 4515's `UTFMB` lets UTF-8 appear unescaped, and ldapts (which turns the filter string into
 * BER) decodes each `\XX` as one character, so escaping UTF-8 bytes would double-encode them.
 * Lone UTF-16 surrogates become U+FFFD (they have no UTF-8 form).
 * @example escapeFilterValue('*)(uid=*') // '\\2a\\29\\28uid=\\2a'
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    const ch = code >= 0xd800 && code <= 0xdfff ? '\ufffd' : c;
    // RFC 4515 §3: "the characters '*', '(', ')', '\' and NUL MUST be escaped" (as \XX).
    if (code < 0x20 || code === 0x7f || ch === '*' || ch === '(' || ch === ')' || ch === '\\')
      out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** What a filter template's placeholders stand for (raw values; fillFilter escapes them). */
export interface FilterValues {
  /** `%s`: the username. */
  readonly username?: string;
  /** `%d`: the user's DN. */
  readonly userDn?: string;
}

/**
 * The filter `template` with `%s` (username) and `%d` (user DN) replaced by their RFC 4515
 * escaped values, in one pass (a replaced value is never scanned again). A placeholder without a
 * value is an Error (a configuration bug, caught when the configuration is parsed).
 * @example fillFilter('(&(objectClass=groupOfNames)(member=%d))', { userDn: 'uid=a,dc=x' })
 */
export function fillFilter(template: string, values: FilterValues): string {
  return template.replace(/%[sd]/g, (p) => {
    const v = p === '%s' ? values.username : values.userDn;
    if (v === undefined) throw new Error(`the filter ${template} needs a value for ${p}`);
    return escapeFilterValue(v);
  });
}

/**
 * Whether `filter` is one well-formed filter: balanced parentheses around it, every `\` followed
 * by two hex digits. A cheap check of a configured template (with placeholders filled by a
 * sample value) before it is ever sent.
 */
export function wellFormedFilter(filter: string): boolean {
  const f = filter.trim();
  if (!f.startsWith('(') || !f.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < f.length; i++) {
    const c = f[i];
    if (c === '\\') {
      if (!/^[0-9a-fA-F]{2}$/.test(f.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0 || (depth === 0 && i !== f.length - 1)) return false;
    }
  }
  return depth === 0;
}
