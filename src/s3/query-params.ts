import { TesseraError } from '../core/index.js';

/**
 * Parsers of S3 query values, used by the operation specs (ops/) to turn the query into typed
 * fields once, in the router. Each fails with the error S3 answers for a malformed value.
 */

/** "Part numbers can be any number from 1 to 10,000, inclusive." */
export const MAX_PART_NUMBER = 10000;

/** "Returns some or all (up to 1,000) of the objects in a bucket" (likewise parts and uploads). */
export const MAX_LIST = 1000;

/** A partNumber value: an integer in 1…10000, else InvalidArgument. */
export function parsePartNumber(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PART_NUMBER) {
    throw new TesseraError(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
    );
  }
  return n;
}

/** A count parameter (max-keys, max-parts, max-uploads): digits only, else InvalidArgument. */
export function parseCount(name: string): (raw: string) => number {
  return (raw) => {
    if (!/^\d+$/.test(raw))
      throw new TesseraError('InvalidArgument', `Provided ${name} not an integer or within integer range`);
    return Number(raw);
  };
}

/** How many entries a listing returns for a requested count: at most 1,000, 1,000 when not asked. */
export function listLimit(requested: number | undefined): number {
  return Math.min(requested ?? MAX_LIST, MAX_LIST);
}

/** part-number-marker: digits only, else InvalidArgument. */
export function parsePartNumberMarker(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new TesseraError('InvalidArgument', 'Invalid part-number-marker');
  return Number(raw);
}

/** encoding-type: only `url` (any case) exists; the value is kept as given, S3 echoes it. */
export function parseEncodingType(raw: string): string {
  if (raw.toLowerCase() !== 'url')
    throw new TesseraError('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return raw;
}

/** A ListObjectsV2 continuation token as the request gave it, and the key it continues after. */
export interface ContinuationToken {
  token: string;
  after: string;
}

/** continuation-token: Tessera's tokens are the base64url of the last key listed. */
export function parseContinuationToken(token: string): ContinuationToken {
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) {
    throw new TesseraError('InvalidArgument', 'The continuation token provided is incorrect');
  }
  return { token, after };
}

/** The token that continues a listing after `key`. */
export function continuationTokenAfter(key: string): string {
  return Buffer.from(key).toString('base64url');
}

/**
 * `{ [field]: parse(value) }` when the query has `param`, `{}` when it does not: an optional
 * field that is absent rather than undefined.
 * @example { ...optional(q, 'partNumber', 'partNumber', parsePartNumber) } // {} or { partNumber: 3 }
 */
export function optional<F extends string, T>(
  query: URLSearchParams,
  param: string,
  field: F,
  parse: (raw: string) => T,
): { [K in F]?: T } {
  const raw = query.get(param);
  return (raw === null ? {} : { [field]: parse(raw) }) as { [K in F]?: T };
}

/** The value as given: for parameters any string is valid for (prefix, markers). */
export function text(raw: string): string {
  return raw;
}
