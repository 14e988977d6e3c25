import { describe, expect, it } from 'vitest';
import { httpDate } from './clock.js';

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
