import { describe, expect, it } from 'vitest';
import { formatAmzDate, httpDate, parseAmzDate } from './clock.js';

describe('httpDate', () => {
  it('formats as Date#toUTCString, the same for every millisecond of a second', () => {
    for (const ms of [
      0,
      999,
      1_764_590_400_123,
      1_764_590_400_999,
      -1,
      -1001,
      Date.UTC(2026, 11, 1, 23, 59, 59, 500),
    ]) {
      expect(httpDate(ms)).toBe(new Date(ms).toUTCString());
    }
    for (let i = 0; i < 3000; i++) {
      const ms = 1_700_000_000_000 + i * 7919;
      expect(httpDate(ms)).toBe(new Date(ms).toUTCString());
    }
  });
});

describe('parseAmzDate', () => {
  it('reads ISO-8601 basic timestamps, again and again, and nothing else', () => {
    const ms = Date.UTC(2026, 11, 4, 2, 15, 30);
    expect(parseAmzDate('20261204T021530Z')).toBe(ms);
    expect(parseAmzDate('20261204T021530Z')).toBe(ms); // remembered
    expect(parseAmzDate('20261204T021531Z')).toBe(ms + 1000);
    for (const bad of [
      '20261204T021530',
      '2026-12-04T02:15:30Z',
      '20261204t021530Z',
      '',
      '20261204T021530Z ',
    ]) {
      expect(parseAmzDate(bad)).toBeNaN();
    }
    expect(parseAmzDate('20261204T021531Z')).toBe(ms + 1000);
    expect(formatAmzDate(ms)).toBe('20261204T021530Z');
  });
});
