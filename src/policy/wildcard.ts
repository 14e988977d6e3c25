/**
 * Wildcard patterns as IAM uses them: `*` matches any run of characters (including `/` and
 * none), `?` exactly one; everything else is literal. Compiled once into anchored chunks so
 * that matching is a few `startsWith` / `indexOf` calls.
 */

/** One piece of a pattern: literal text, or a `*` / `?` wildcard. */
export type GlobPart = string | typeof STAR | typeof ONE;
export const STAR = 0;
export const ONE = 1;

/** A run of literal characters and `?`s between two stars. */
interface Chunk {
  readonly text: string;
  /** Positions of `?` within `text` (which holds a placeholder there), or null if none. */
  readonly anyAt: readonly number[] | null;
}

/** A compiled pattern: test a string (already lower-cased when the pattern ignores case). */
export type Matcher = (s: string) => boolean;

/** Splits a pattern string into parts. @example parseGlob('a*b?') → ['a', STAR, 'b', ONE] */
export function parseGlob(pattern: string): GlobPart[] {
  const parts: GlobPart[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (lit !== '') parts.push(lit);
      lit = '';
      parts.push(ch === '*' ? STAR : ONE);
    } else lit += ch;
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

/** True when the pattern has a `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

function chunkOf(parts: readonly GlobPart[]): Chunk {
  let text = '';
  const anyAt: number[] = [];
  for (const p of parts) {
    if (p === ONE) {
      anyAt.push(text.length);
      text += '\0';
    } else text += p as string;
  }
  return { text, anyAt: anyAt.length === 0 ? null : anyAt };
}

function chunkAt(c: Chunk, s: string, pos: number): boolean {
  if (c.anyAt === null) return s.startsWith(c.text, pos);
  if (pos + c.text.length > s.length) return false;
  let k = 0;
  for (let i = 0; i < c.text.length; i++) {
    if (k < c.anyAt.length && c.anyAt[k] === i) {
      k++;
      continue;
    }
    if (s.charCodeAt(pos + i) !== c.text.charCodeAt(i)) return false;
  }
  return true;
}

function findChunk(c: Chunk, s: string, from: number, end: number): number {
  if (c.anyAt === null) {
    const i = s.indexOf(c.text, from);
    return i >= 0 && i + c.text.length <= end ? i : -1;
  }
  for (let i = from; i + c.text.length <= end; i++) if (chunkAt(c, s, i)) return i;
  return -1;
}

/**
 * Compiles parts into a matcher. Chunks between stars are matched leftmost-first, which is
 * exact for patterns whose only variable-length wildcard is `*`.
 */
export function compileParts(parts: readonly GlobPart[]): Matcher {
  const groups: GlobPart[][] = [[]];
  for (const p of parts) {
    if (p === STAR) groups.push([]);
    else groups[groups.length - 1]!.push(p);
  }
  const chunks = groups.map(chunkOf);
  if (chunks.length === 1) {
    const only = chunks[0]!;
    if (only.anyAt === null) {
      const text = only.text;
      return (s) => s === text;
    }
    return (s) => s.length === only.text.length && chunkAt(only, s, 0);
  }
  const head = chunks[0]!;
  const tail = chunks[chunks.length - 1]!;
  const middle = chunks.slice(1, -1).filter((c) => c.text !== '');
  const min = chunks.reduce((n, c) => n + c.text.length, 0);
  if (middle.length === 0 && head.anyAt === null && tail.anyAt === null) {
    const h = head.text;
    const t = tail.text;
    if (t === '') return h === '' ? () => true : (s) => s.startsWith(h);
    if (h === '') return (s) => s.endsWith(t);
    return (s) => s.length >= min && s.startsWith(h) && s.endsWith(t);
  }
  return (s) => {
    if (s.length < min || !chunkAt(head, s, 0)) return false;
    const end = s.length - tail.text.length;
    if (!chunkAt(tail, s, end)) return false;
    let pos = head.text.length;
    for (const c of middle) {
      const at = findChunk(c, s, pos, end);
      if (at < 0) return false;
      pos = at + c.text.length;
    }
    return true;
  };
}

/**
 * Compiles a pattern string. With `ignoreCase` the pattern is lower-cased and the caller must
 * pass lower-cased input.
 * @example compileGlob('arn:aws:s3:::photos/*')('arn:aws:s3:::photos/a.jpg') === true
 */
export function compileGlob(pattern: string, ignoreCase = false): Matcher {
  return compileParts(parseGlob(ignoreCase ? pattern.toLowerCase() : pattern));
}

/** Uncompiled reference match (recursive), used by the naive evaluator and by tests as an oracle. */
export function globMatch(pattern: string, s: string): boolean {
  const p = pattern;
  const t = s;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (t.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === t.length;
    else if (p[i] === '*') r = go(i + 1, j) || (j < t.length && go(i, j + 1));
    else r = j < t.length && (p[i] === '?' || p[i] === t[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
