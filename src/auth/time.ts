import { parseAmzDate, TesseraError } from '../core/index.js';

/** Default allowed clock skew: "The difference between the request time and the current time is too large" beyond 15 minutes. */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

/** Parses an ISO-8601 basic timestamp or an HTTP date (RFC 7231 IMF-fixdate, RFC 850, asctime); NaN if neither. */
export function parseRequestDate(value: string): number {
  if (value.length === 16 && value.charCodeAt(8) === 84 /* T */) return parseAmzDate(value);
  if (!/^[A-Za-z]{3},? /.test(value)) return Number.NaN;
  return Date.parse(value);
}

/** Throws RequestTimeTooSkewed when the signed time is too far from `now` in either direction. */
export function checkSkew(signedAt: number, now: number, maxSkewMs: number | undefined): void {
  if (Math.abs(now - signedAt) > (maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    throw new TesseraError('RequestTimeTooSkewed');
  }
}
