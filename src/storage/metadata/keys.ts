/**
 * Key arithmetic in S3's order: keys compare as UTF-8 bytes, which is Unicode code point order.
 * SQLite's BINARY collation compares TEXT as UTF-8 bytes (memcmp), so these functions agree with
 * the database's `ORDER BY key`.
 */

/** Maps a UTF-16 code unit so that comparing mapped units gives code point order. */
function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800; // U+E000..U+FFFF sort below every astral code point
  if (unit >= 0xd800) return unit + 0x2000; // surrogates encode U+10000.. and sort above the BMP
  return unit;
}

/**
 * Compares two strings in UTF-8 byte order (JavaScript's `<` compares UTF-16 code units, which
 * differs for astral characters versus U+E000..U+FFFF).
 * @example compareUtf8('\uffff', '😀') < 0 // while '\uffff' > '😀' in UTF-16
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `prefix`, or undefined when no
 * such string exists (empty prefix, or a prefix made only of U+10FFFF). Increments the last code
 * point (not the last byte: the result must stay valid UTF-8 to be bound as TEXT), skipping the
 * surrogate range, and drops trailing U+10FFFF.
 * @example successor('photos/') === 'photos0'; successor('a😀') === 'a😁'
 */
export function successor(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0) {
    const low = prefix.charCodeAt(end - 1);
    const high = end >= 2 ? prefix.charCodeAt(end - 2) : 0;
    const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
    const width = pair ? 2 : 1;
    const cp = prefix.codePointAt(end - width)!;
    if (cp < 0x10ffff) {
      const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
      return prefix.slice(0, end - width) + String.fromCodePoint(next);
    }
    end -= width;
  }
  return undefined;
}

/** The smallest string strictly greater than `key`: `key` followed by U+0000. */
export function after(key: string): string {
  return key + '\u0000';
}

/**
 * The common prefix `key` rolls up into: `prefix` + the remainder up to and including the first
 * delimiter, or undefined when the remainder holds no delimiter. `key` must start with `prefix`.
 */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '') return undefined;
  const i = key.indexOf(delimiter, prefix.length);
  return i < 0 ? undefined : key.slice(0, i + delimiter.length);
}
