import { TesseraError } from '../core/index.js';
import type { ObjectRecord } from '../storage/index.js';

export interface Preconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifUnmodifiedSince?: string | undefined;
}

/** True when an If-Match / If-None-Match list names `etag` (quoted or not, weak or not) or is `*`. */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((raw) => {
    const t = raw.trim().replace(/^W\//, '');
    return t === '*' || t.replace(/^"|"$/g, '') === etag;
  });
}

/** Seconds-precision time of an HTTP date, or undefined when it does not parse (then ignored, as S3). */
function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

/**
 * Evaluates conditional headers in RFC 9110 §13.2.2 order, as S3 does: If-Match (then
 * If-Unmodified-Since only when If-Match is absent) → 412; If-None-Match (then If-Modified-Since
 * only when If-None-Match is absent) → 304 for reads, 412 for `failAsPrecondition` (copy sources).
 */
export function checkPreconditions(p: Preconditions, obj: ObjectRecord, failAsPrecondition = false): void {
  const lastModified = Math.floor(obj.lastModified / 1000);
  if (p.ifMatch !== undefined) {
    if (!etagMatches(p.ifMatch, obj.etag))
      throw new TesseraError('PreconditionFailed', undefined, { Condition: 'If-Match' });
  } else {
    const since = httpDate(p.ifUnmodifiedSince);
    if (since !== undefined && lastModified > since) {
      throw new TesseraError('PreconditionFailed', undefined, { Condition: 'If-Unmodified-Since' });
    }
  }
  const notModified = failAsPrecondition ? 'PreconditionFailed' : 'NotModified';
  if (p.ifNoneMatch !== undefined) {
    if (etagMatches(p.ifNoneMatch, obj.etag))
      throw new TesseraError(notModified, undefined, { Condition: 'If-None-Match' });
  } else {
    const since = httpDate(p.ifModifiedSince);
    if (since !== undefined && lastModified <= since) {
      throw new TesseraError(notModified, undefined, { Condition: 'If-Modified-Since' });
    }
  }
}
