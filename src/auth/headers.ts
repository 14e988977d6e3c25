import type { AuthRequest } from './types.js';

type Headers = AuthRequest['headers'];

/** A single-valued header (repeated values joined with ','), or undefined. */
export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined || typeof v === 'string') return v;
  return v.length === 1 ? v[0] : v.join(',');
}

/** "Trimall": trims and turns every run of whitespace (including folded lines) into one space. */
export function trimAll(value: string): string {
  let dirty = false;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (
      (c === 32 && (i === 0 || i === n - 1 || value.charCodeAt(i + 1) === 32)) ||
      c === 9 ||
      c === 10 ||
      c === 13
    ) {
      dirty = true;
      break;
    }
  }
  return dirty ? value.replace(/[ \t\r\n]+/g, ' ').trim() : value;
}

/**
 * A header's canonical value for SigV4: "Trim any leading or trailing spaces, convert sequential
 * spaces to a single space"; repeated headers are joined with ','.
 */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return trimAll(value);
  let out = '';
  for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + trimAll(value[i]!);
  return out;
}
