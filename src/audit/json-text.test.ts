import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { num, str, strs } from './json-text.js';

describe('json-text', () => {
  it('writes strings as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(str(s)).toBe(JSON.stringify(s));
      }),
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', 'é', '\ud800', 'a', ' '),
        }),
        (s) => {
          expect(str(s)).toBe(JSON.stringify(s));
        },
      ),
    );
    expect(str('a"b')).toBe('"a\\"b"');
    expect(str('')).toBe('""');
  });

  it('writes numbers and string arrays as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(num(n)).toBe(JSON.stringify(n));
      }),
    );
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(num(n)).toBe(JSON.stringify(n));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (a) => {
        expect(strs(a)).toBe(JSON.stringify(a));
      }),
    );
  });
});
