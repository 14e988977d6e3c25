import { decodeQueryComponent } from './uri-encode.js';

/** One raw query parameter, exactly as received ('a' → value undefined, 'a=' → value ''). */
export interface RawParam {
  key: string;
  value: string | undefined;
}

/** Splits a raw query string into parameters without decoding them (empty segments skipped). */
export function splitQuery(rawQuery: string): RawParam[] {
  const out: RawParam[] = [];
  if (rawQuery === '') return out;
  let start = 0;
  for (;;) {
    const amp = rawQuery.indexOf('&', start);
    const end = amp === -1 ? rawQuery.length : amp;
    if (end > start) {
      const eq = rawQuery.indexOf('=', start);
      if (eq === -1 || eq > end) out.push({ key: rawQuery.slice(start, end), value: undefined });
      else out.push({ key: rawQuery.slice(start, eq), value: rawQuery.slice(eq + 1, end) });
    }
    if (amp === -1) return out;
    start = amp + 1;
  }
}

/** The decoded key of a raw parameter. */
export function paramKey(p: RawParam): string {
  return p.key.indexOf('%') === -1 && p.key.indexOf('+') === -1 ? p.key : decodeQueryComponent(p.key);
}

/** Collects the decoded values of the named parameters (first occurrence wins), in one pass. */
export function pickParams<K extends string>(
  params: RawParam[],
  names: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const key = paramKey(p) as K;
    if (out[key] === undefined && names.indexOf(key) !== -1) out[key] = decodeQueryComponent(p.value ?? '');
  }
  return out;
}

/** Whether a raw query string has a parameter with this exact (unencoded) key. */
export function hasQueryKey(rawQuery: string, key: string): boolean {
  let i = rawQuery.indexOf(key);
  while (i !== -1) {
    const end = i + key.length;
    const after = rawQuery.charCodeAt(end);
    if (
      (i === 0 || rawQuery.charCodeAt(i - 1) === 38) &&
      (end === rawQuery.length || after === 61 || after === 38)
    )
      return true;
    i = rawQuery.indexOf(key, i + 1);
  }
  return false;
}
