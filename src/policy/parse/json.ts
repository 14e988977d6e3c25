import { PolicyError } from '../errors.js';

/** A plain JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws a PolicyError for `path`. */
export function fail(path: string, rule: string): never {
  throw new PolicyError(path, rule);
}

/** Rejects fields other than `allowed`. */
export function onlyFields(obj: JsonObject, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(path === '' ? k : `${path}.${k}`, 'unknown field');
  }
}

/**
 * A string or a non-empty array of strings, as a list; each entry checked by `each` with its
 * own path (`Action[1]`, or `Action` for a lone string).
 */
export function stringList(v: unknown, path: string, each?: (s: string, path: string) => void): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (Array.isArray(v) && v.length === 0) fail(path, 'must not be empty');
  return list.map((s, i) => {
    const p = Array.isArray(v) ? `${path}[${i}]` : path;
    if (typeof s !== 'string') fail(p, 'must be a string');
    if (s === '') fail(p, 'must not be empty');
    each?.(s, p);
    return s;
  });
}

/** Size of the document with insignificant whitespace removed, in UTF-8 bytes. */
export function minifiedSize(doc: unknown): number {
  return Buffer.byteLength(JSON.stringify(doc), 'utf8');
}

/** Deepest nesting of arrays and objects a policy may have (a real one needs about 6). */
export const MAX_DEPTH = 32;

/**
 * Refuses JSON text nested deeper than MAX_DEPTH before it is parsed, by one scan that skips
 * strings: deeply nested input would otherwise overflow the stack when the value is measured
 * or walked.
 */
export function checkTextDepth(text: string, code: 'MalformedPolicyDocument' | 'MalformedPolicy'): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw new PolicyError('', `nested deeper than ${MAX_DEPTH} levels`, code);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** The same bound for an already-parsed value, walked without recursion. */
export function checkValueDepth(value: unknown, code: 'MalformedPolicyDocument' | 'MalformedPolicy'): void {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > MAX_DEPTH) throw new PolicyError('', `nested deeper than ${MAX_DEPTH} levels`, code);
    for (const child of Object.values(v)) stack.push({ v: child, d: d + 1 });
  }
}
