/** A source of the current time; inner layers take it as an argument so tests can fix it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

let lastAmz = '';
let lastAmzMs = Number.NaN;

/**
 * Parses an ISO-8601 basic timestamp (20150830T123600Z) into epoch milliseconds, or NaN. The
 * last value parsed is remembered: requests signed in the same second carry the same one.
 */
export function parseAmzDate(value: string): number {
  if (value === lastAmz) return lastAmzMs;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  lastAmz = value;
  lastAmzMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return lastAmzMs;
}

/** Formats epoch milliseconds as an ISO-8601 basic timestamp (20150830T123600Z). */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Recently formatted HTTP dates, by epoch second (bounded: cleared when full). */
const httpDates = new Map<number, string>();

/**
 * An HTTP date (RFC 7231 IMF-fixdate, as Date#toUTCString): "Tue, 01 Dec 2026 12:00:00 GMT".
 * Remembered per second, since the same objects' Last-Modified is formatted over and over.
 */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = httpDates.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toUTCString();
    if (httpDates.size >= 1024) httpDates.clear();
    httpDates.set(second, text);
  }
  return text;
}
