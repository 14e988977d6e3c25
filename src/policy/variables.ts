import type { RequestContext } from './context.js';
import { type GlobPart, ONE, parseGlob, STAR } from './wildcard.js';

/** A policy variable reference: `${aws:username}` or `${aws:username, 'default'}`. */
export interface VariableRef {
  /** Lower-cased key. */
  readonly key: string;
  readonly fallback?: string;
}

/** A Resource pattern or condition value: wildcards, literal text and variables. */
export type TemplatePart = GlobPart | VariableRef;

// ${*} ${?} ${$} are escapes; ${key} and ${key, 'default'} are variables.
const token = /\$\{(?:([*?$])|\s*([A-Za-z0-9]+:[A-Za-z0-9_.\-/:@+]+)\s*(?:,\s*'([^']*)'\s*)?)\}/g;

/**
 * Splits text into template parts. With `variables` false (Version 2008-10-17, or an operator
 * that takes none) the text is taken literally. With `wildcards` false, `*` and `?` are literal.
 * `isKey` decides which names are variables; an unknown name is reported through `unknown`.
 * @example parseTemplate('home/${aws:username}/*', true, true, isKnownKey)
 */
export function parseTemplate(
  text: string,
  variables: boolean,
  wildcards: boolean,
  isKey: (key: string) => boolean,
  unknown: (name: string) => never,
): TemplatePart[] {
  const lit = (s: string): GlobPart[] => (wildcards ? parseGlob(s) : s === '' ? [] : [s]);
  if (!variables || !text.includes('${')) return lit(text);
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(token)) {
    parts.push(...lit(text.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) parts.push(m[1]);
    else {
      const name = m[2]!;
      if (!isKey(name)) unknown(name);
      parts.push(
        m[3] === undefined ? { key: name.toLowerCase() } : { key: name.toLowerCase(), fallback: m[3] },
      );
    }
  }
  parts.push(...lit(text.slice(last)));
  return merge(parts);
}

/** Joins adjacent literal strings. */
function merge(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}

/** True when any part is a variable. */
export function hasVariables(parts: readonly TemplatePart[]): boolean {
  return parts.some((p) => typeof p === 'object');
}

/**
 * Replaces variables with their (single) context value; the value is literal, never a wildcard.
 * Undefined when a variable has no value and no default, or several values: AWS treats such an
 * element as not matching.
 */
export function resolveTemplate(parts: readonly TemplatePart[], ctx: RequestContext): GlobPart[] | undefined {
  const out: GlobPart[] = [];
  for (const p of parts) {
    if (typeof p !== 'object') {
      out.push(p);
      continue;
    }
    const values = ctx.get(p.key);
    if (values === undefined) {
      if (p.fallback === undefined) return undefined;
      out.push(p.fallback);
    } else if (values.length === 1) out.push(values[0]!);
    else return undefined;
  }
  return out;
}

/** Renders parts as plain text (wildcards as their characters). */
export function partsToText(parts: readonly GlobPart[]): string {
  let s = '';
  for (const p of parts) s += p === STAR ? '*' : p === ONE ? '?' : p;
  return s;
}
