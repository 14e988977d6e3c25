import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from './wildcard.js';

describe('wildcards', () => {
  it.each([
    ['*', '', true],
    ['a*', 'abc', true],
    ['*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a?c', 'ac', false],
    ['a?c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXcYb', false],
    ['?', '', false],
    ['ab', 'ab', true],
    ['a*?', 'a', false],
    ['*a*a*', 'aa', true],
  ])('%s ~ %s = %s', (p, s, want) => {
    expect(compileGlob(p)(s)).toBe(want);
    expect(globMatch(p, s)).toBe(want);
  });

  it('the compiled matcher agrees with the reference matcher', () => {
    const chars = fc.constantFrom('a', 'b', '/', '*', '?');
    const str = fc.array(chars, { maxLength: 8 }).map((a) => a.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', '/'), { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(str, text, (p, s) => compileGlob(p)(s) === globMatch(p, s)),
      { numRuns: 2000 },
    );
  });
});
