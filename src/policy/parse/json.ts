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
