import { TesseraError } from '../core/index.js';

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a Range header against an object size (RFC 9110 §14.1.2, one range only, as S3).
 * Returns undefined when the header is absent or not a single byte range (S3 then serves the
 * whole object); throws InvalidRange when the range cannot be satisfied.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0)
      throw new TesseraError('InvalidRange', undefined, { ActualObjectSize: size, RangeRequested: value });
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size)
    throw new TesseraError('InvalidRange', undefined, { ActualObjectSize: size, RangeRequested: value });
  return { start, end };
}
