/**
 * JSON text of single values, for serializers that write an entry field by field
 * (entry-json.ts): the same text as JSON.stringify, cheaper for the common case. Most values of
 * an audit entry (names, ids, ARNs, paths, header values) are printable ASCII with no quote or
 * backslash, which JSON writes as they are; one pattern test tells them apart, and everything
 * else goes to JSON.stringify.
 */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as JSON.stringify writes it. */
export function str(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** A number as JSON.stringify writes it (non-finite numbers are `null`). */
export function num(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

/** An array of strings as JSON.stringify writes it. */
export function strs(a: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) out += i === 0 ? str(a[i]!) : `,${str(a[i]!)}`;
  return `${out}]`;
}
