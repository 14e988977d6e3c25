import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { IssuanceLimiter } from './limits.js';

const session = (expiration: number) => () => ({ expiration });

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return isTesseraError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('IssuanceLimiter', () => {
  it('without limits issues everything and tracks nobody', () => {
    const l = new IssuanceLimiter();
    for (let i = 0; i < 100; i++) l.issue('a', 0, session(1000));
    expect(l.enabled).toBe(false);
    expect(l.size).toBe(0);
  });

  it('a token bucket per principal: the burst, then the rate; Throttling "Rate exceeded"', () => {
    const l = new IssuanceLimiter({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(code(() => l.issue('a', 0, session(1e9)))).toBe('ok');
    expect(code(() => l.issue('a', 0, session(1e9)))).toBe('Throttling: Rate exceeded');
    expect(code(() => l.issue('b', 0, session(1e9)))).toBe('ok');
    expect(code(() => l.issue('a', 500, session(1e9)))).toBe('ok');
    expect(code(() => l.issue('a', 500, session(1e9)))).toMatch(/^Throttling/);
  });

  it('a cap on live sessions: an expired one frees its place', () => {
    const l = new IssuanceLimiter({ maxSessions: 2 });
    expect(code(() => l.issue('a', 0, session(100)))).toBe('ok');
    expect(code(() => l.issue('a', 0, session(1000)))).toBe('ok');
    expect(code(() => l.issue('a', 50, session(1000)))).toMatch(/^Throttling/);
    expect(code(() => l.issue('a', 100, session(1000)))).toBe('ok');
    expect(code(() => l.issue('a', 100, session(1000)))).toMatch(/^Throttling/);
  });

  it('a refused or failed issue costs nothing', () => {
    const l = new IssuanceLimiter({ ratePerSecond: 1, burst: 1, maxSessions: 1 });
    expect(
      code(() =>
        l.issue('a', 0, () => {
          throw new Error('boom');
        }),
      ),
    ).toBe('Error: boom');
    expect(code(() => l.issue('a', 0, session(10)))).toBe('ok');
  });
});
