/**
 * LDAP distinguished names (RFC 4514) in one canonical spelling, so that a DN an administrator
 * typed, a DN a directory returned and a DN stored in IAM compare equal when they name the same
 * entry.
 */
import { TesseraError } from './errors.js';

interface Ava {
  readonly type: string;
  /** Unescaped, or for a `#hex` value its spelling as is. */
  readonly value: string;
  readonly hex: boolean;
}

function malformed(dn: string, why: string): TesseraError {
  const shown = dn.length > 200 ? `${dn.slice(0, 200)}…` : dn;
  return new TesseraError('InvalidParameterValue', `"${shown}" is not a valid LDAP DN: ${why}.`);
}

const HEX = /^[0-9a-fA-F]{2}$/;
/** RFC 4514 §3: descr (keystring) or numericoid; "OID." is a legacy RFC 1779 prefix. */
const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:oid\.)?[0-9]+(?:\.[0-9]+)*)$/i;
/** RFC 4514 §2.4: characters escaped with a backslash anywhere in a value. */
const SPECIAL = new Set(['"', '+', ',', ';', '<', '>', '\\', '=']);

/**
 * A value escaped for a DN (RFC 4514 §2.4): `"+,;<>\=` and NUL escaped anywhere, `#` and a space
 * at the start and a space at the end.
 * @example escapeDnValue('Smith, John') // 'Smith\\, John'
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\u0000') out += '\\00';
    else if (SPECIAL.has(c)) out += `\\${c}`;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Parses one attribute value starting at `i`; returns it unescaped and where it ended. */
function parseValue(dn: string, i: number): { value: string; end: number; hex?: true } {
  while (dn[i] === ' ') i++;
  if (dn[i] === '#') {
    // RFC 4514 §2.4: '#' hexstring, the BER encoding; kept as its (lower-case) hex spelling.
    let j = i + 1;
    while (j < dn.length && /[0-9a-fA-F]/.test(dn[j]!)) j++;
    const hex = dn.slice(i + 1, j);
    if (hex.length === 0 || hex.length % 2 !== 0)
      throw malformed(dn, 'a #hex value needs pairs of hex digits');
    return { value: `#${hex.toLowerCase()}`, end: j, hex: true };
  }
  if (dn[i] === '"') {
    // RFC 2253's quoted values (still produced by some tools).
    const bytes: number[] = [];
    let j = i + 1;
    for (; j < dn.length && dn[j] !== '"'; j++) {
      if (dn[j] === '\\') j++;
      if (j >= dn.length) break;
      bytes.push(...Buffer.from(dn[j]!, 'utf8'));
    }
    if (dn[j] !== '"') throw malformed(dn, 'an unterminated quoted value');
    return { value: Buffer.from(bytes).toString('utf8'), end: j + 1 };
  }
  const bytes: number[] = [];
  let lastKept = 0; // bytes.length after the last escaped or non-space character
  let j = i;
  for (; j < dn.length; j++) {
    const c = dn[j]!;
    if (c === ',' || c === ';' || c === '+') break;
    if (c === '\\') {
      const pair = dn.slice(j + 1, j + 3);
      if (HEX.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        j += 2;
      } else {
        const next = dn[j + 1];
        if (next === undefined) throw malformed(dn, 'a trailing backslash');
        bytes.push(...Buffer.from(next, 'utf8'));
        j += 1;
      }
      lastKept = bytes.length;
      continue;
    }
    if (c === '"' || c === '<' || c === '>' || c === '\u0000')
      throw malformed(dn, `an unescaped ${JSON.stringify(c)} in a value`);
    const code = dn.codePointAt(j)!;
    const ch = String.fromCodePoint(code);
    bytes.push(...Buffer.from(ch, 'utf8'));
    if (ch.length === 2) j++;
    if (c !== ' ') lastKept = bytes.length;
  }
  const decoded = Buffer.from(bytes.slice(0, lastKept));
  const value = decoded.toString('utf8');
  if (!Buffer.from(value, 'utf8').equals(decoded)) throw malformed(dn, 'a value is not UTF-8');
  return { value, end: j };
}

function parse(dn: string): Ava[][] {
  const rdns: Ava[][] = [];
  let rdn: Ava[] = [];
  let i = 0;
  for (;;) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw malformed(dn, 'an RDN without "="');
    const type = dn.slice(i, eq).trim();
    if (!TYPE.test(type)) throw malformed(dn, `"${type}" is not an attribute type`);
    const { value, end, hex } = parseValue(dn, eq + 1);
    let j = end;
    while (dn[j] === ' ') j++;
    // RFC 4514 §3: types are case-insensitive; values of DN attributes match case-insensitively
    // in practice (cn, ou, dc, uid, o: caseIgnoreMatch; Active Directory throughout).
    rdn.push({
      type: type.toLowerCase().replace(/^oid\./, ''),
      value: value.toLowerCase(),
      hex: hex === true,
    });
    if (j >= dn.length) {
      rdns.push(rdn);
      return rdns;
    }
    const sep = dn[j];
    if (sep === '+') {
      i = j + 1;
      continue;
    }
    if (sep !== ',' && sep !== ';') throw malformed(dn, `unexpected ${JSON.stringify(sep)}`);
    rdns.push(rdn);
    rdn = [];
    i = j + 1;
  }
}

/**
 * The canonical spelling of a DN: attribute types and values lower-cased, values unescaped then
 * re-escaped (escapeDnValue), spaces around `=`, `,` and `+` dropped, multi-valued RDNs sorted.
 * '' (the root DSE) stays ''. Throws TesseraError InvalidParameterValue on a malformed DN.
 * @example normalizeDn('CN=Alice Smith , OU=People,DC=Example,DC=org') // 'cn=alice smith,ou=people,dc=example,dc=org'
 */
export function normalizeDn(dn: string): string {
  if (typeof dn !== 'string') throw malformed(String(dn), 'not a string');
  if (dn.trim() === '') return '';
  if (dn.length > 16 * 1024) throw malformed(dn, 'longer than 16 KiB');
  return parse(dn)
    .map((rdn) =>
      rdn
        .map((ava) => `${ava.type}=${ava.hex ? ava.value : escapeDnValue(ava.value)}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

/**
 * Whether two DNs name the same entry (normalizeDn of both agree); false when either is malformed.
 * @example sameDn('uid=Bob,dc=example,dc=org', 'UID=bob, DC=example, DC=org') // true
 */
export function sameDn(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return false;
  }
}
