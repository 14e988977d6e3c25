import { canonicalHeaderValue } from '../headers.js';
import { paramKey, type RawParam } from '../query.js';
import type { AuthRequest } from '../types.js';
import { canonicalComponent, canonicalPath } from '../uri-encode.js';

function comparePairs(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * "Sort the parameter names by character code point in ascending order. Parameters with
 * duplicate names should be sorted by value." Keys and values are AWS-encoded first.
 * `omit` drops one parameter (X-Amz-Signature for presigned requests).
 */
export function canonicalQuery(params: readonly RawParam[], omit?: string): string {
  if (params.length === 0) return '';
  const pairs: [string, string][] = [];
  for (const p of params) {
    if (omit !== undefined && paramKey(p) === omit) continue;
    pairs.push([canonicalComponent(p.key, true), canonicalComponent(p.value ?? '', true)]);
  }
  let sorted = true;
  for (let i = 1; i < pairs.length && sorted; i++) sorted = comparePairs(pairs[i - 1]!, pairs[i]!) <= 0;
  if (!sorted) pairs.sort(comparePairs);
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += (i === 0 ? '' : '&') + pairs[i]![0] + '=' + pairs[i]![1];
  return out;
}

/** `name:value\n` for each signed header, in the signed order. */
export function canonicalHeaders(headers: AuthRequest['headers'], names: readonly string[]): string {
  let out = '';
  for (const name of names) out += name + ':' + canonicalHeaderValue(headers[name]) + '\n';
  return out;
}

export interface CanonicalRequestInput {
  method: string;
  rawPath: string;
  params: readonly RawParam[];
  headers: AuthRequest['headers'];
  signedHeaders: string;
  signedHeaderNames: readonly string[];
  payloadHash: string;
  /** Presigned requests leave X-Amz-Signature out of the canonical query. */
  presigned: boolean;
  /** canonicalHeaders(headers, signedHeaderNames), when the caller already built it. */
  canonicalHeaders?: string;
}

/**
 * The canonical request: method, canonical URI (S3: the raw path re-encoded, never normalized),
 * canonical query, canonical headers, signed headers and the payload hash, one per line.
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  return (
    input.method +
    '\n' +
    canonicalPath(input.rawPath) +
    '\n' +
    canonicalQuery(input.params, input.presigned ? 'X-Amz-Signature' : undefined) +
    '\n' +
    (input.canonicalHeaders ?? canonicalHeaders(input.headers, input.signedHeaderNames)) +
    '\n' +
    input.signedHeaders +
    '\n' +
    input.payloadHash
  );
}
