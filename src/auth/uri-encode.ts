/**
 * AWS's URI encoding for canonical requests. "URI encode every byte except the unreserved
 * characters: 'A'-'Z', 'a'-'z', '0'-'9', '-', '.', '_', and '~'", with upper-case hex.
 *
 * Clients percent-encode differently ('!', '*', '+', "'" …), so a raw component is first decoded
 * and then encoded with AWS's rules. Both steps happen in one byte-level pass, so a component
 * that is not valid UTF-8 after decoding still canonicalizes (byte for byte) instead of throwing.
 */

const HEX = '0123456789ABCDEF';

/** 1 for the unreserved ASCII characters, indexed by char code. */
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** '%XY' with upper-case hex whose byte is not unreserved: AWS would encode it the same way. */
function isCanonicalEscape(h: number, l: number): boolean {
  const hv = (h >= 48 && h <= 57) || (h >= 65 && h <= 70) ? hexValue(h) : -1;
  const lv = (l >= 48 && l <= 57) || (l >= 65 && l <= 70) ? hexValue(l) : -1;
  if (hv < 0 || lv < 0) return false;
  const b = (hv << 4) | lv;
  return b >= 128 || UNRESERVED[b] !== 1;
}

function pushByte(out: string, b: number): string {
  return b < 128 && UNRESERVED[b] === 1
    ? out + String.fromCharCode(b)
    : out + '%' + HEX[b >> 4] + HEX[b & 15];
}

/** Appends the UTF-8 encoding of the code point at s[i] (percent-encoded); returns [out, next i]. */
function pushCodePoint(out: string, s: string, i: number): [string, number] {
  let cp = s.codePointAt(i)!;
  const next = i + (cp > 0xffff ? 2 : 1);
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate
  if (cp < 0x80) return [pushByte(out, cp), next];
  if (cp < 0x800) return [pushByte(pushByte(out, 0xc0 | (cp >> 6)), 0x80 | (cp & 63)), next];
  if (cp < 0x10000) {
    out = pushByte(out, 0xe0 | (cp >> 12));
    return [pushByte(pushByte(out, 0x80 | ((cp >> 6) & 63)), 0x80 | (cp & 63)), next];
  }
  out = pushByte(pushByte(out, 0xf0 | (cp >> 18)), 0x80 | ((cp >> 12) & 63));
  return [pushByte(pushByte(out, 0x80 | ((cp >> 6) & 63)), 0x80 | (cp & 63)), next];
}

/**
 * Canonicalizes one raw (as received) URI component: decodes %XX, then encodes per AWS.
 * `plusIsSpace` applies form semantics to the query ('+' means ' '); in paths '+' is literal.
 * @example canonicalComponent('a%2db!', false) // 'a-b%21'
 */
export function canonicalComponent(raw: string, plusIsSpace: boolean): string {
  // Fast path: already canonical (unreserved characters and upper-case escapes of reserved bytes).
  let i = 0;
  const n = raw.length;
  let canonicalUpTo = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c < 128 && UNRESERVED[c] === 1) i++;
    else if (c === 37 && i + 2 < n && isCanonicalEscape(raw.charCodeAt(i + 1), raw.charCodeAt(i + 2))) i += 3;
    else break;
    canonicalUpTo = i;
  }
  if (i === n) return raw;
  i = canonicalUpTo;
  let out = raw.slice(0, i);
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < n) {
      const h = hexValue(raw.charCodeAt(i + 1));
      const l = hexValue(raw.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        out = pushByte(out, (h << 4) | l);
        i += 3;
        continue;
      }
      out += '%25';
      i++;
    } else if (c === 43 /* + */ && plusIsSpace) {
      out += '%20';
      i++;
    } else if (c < 128) {
      out = pushByte(out, c);
      i++;
    } else {
      [out, i] = pushCodePoint(out, raw, i);
    }
  }
  return out;
}

/**
 * The canonical URI of a raw request path. S3 does not normalize paths ('.', '..', '//' stay):
 * each segment is canonicalized once and '/' is kept.
 * @example canonicalPath('/b/a%20b+c') // '/b/a%20b%2Bc'
 */
export function canonicalPath(rawPath: string): string {
  if (rawPath === '') return '/';
  let start = 0;
  let out = '';
  for (;;) {
    const slash = rawPath.indexOf('/', start);
    const end = slash === -1 ? rawPath.length : slash;
    out += canonicalComponent(rawPath.slice(start, end), false);
    if (slash === -1) break;
    out += '/';
    start = slash + 1;
  }
  return out.charCodeAt(0) === 47 ? out : '/' + out;
}

/** AWS-encodes a decoded string (e.g. a header value placed in a query). */
export function awsUriEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) [out, i] = pushCodePoint(out, value, i);
  return out;
}

/** Decodes when every character and escape is ASCII (the common case); undefined otherwise. */
function decodeAscii(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 37 && i + 2 < raw.length) {
      const h = hexValue(raw.charCodeAt(i + 1));
      const l = hexValue(raw.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const b = (h << 4) | l;
        if (b >= 128) return undefined;
        out += String.fromCharCode(b);
        i += 2;
        continue;
      }
    }
    if (c >= 128) return undefined;
    out += c === 43 ? ' ' : raw[i];
  }
  return out;
}

/**
 * Decodes a raw query component ('+' as space) to a string; malformed escapes stay literal and
 * invalid UTF-8 becomes U+FFFD. Never throws.
 */
export function decodeQueryComponent(raw: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  const ascii = decodeAscii(raw);
  if (ascii !== undefined) return ascii;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 37 && i + 2 < raw.length) {
      const h = hexValue(raw.charCodeAt(i + 1));
      const l = hexValue(raw.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        bytes.push((h << 4) | l);
        i += 2;
        continue;
      }
    }
    if (c === 43) bytes.push(32);
    else if (c < 128) bytes.push(c);
    else {
      const cp = raw.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp))) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
