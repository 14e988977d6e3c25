import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParsedQuery } from './parsed-query.js';

const PIECES = [
  'a',
  'B',
  'x-id',
  '=',
  '&',
  '%',
  '+',
  '2',
  '0',
  'F',
  'f',
  'z',
  '%20',
  '%2B',
  '%26',
  '%3D',
  '%C3',
  '%A9',
  '%C3%A9',
  '%E2%82%AC',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%zz',
  '%4',
  'é',
  '€',
  '?',
  ';',
  ' ',
  '\u00ff',
  '%00',
  '%7F',
  '%80',
];
const rawQuery = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((p) => p.join(''));

function snapshot(q: URLSearchParams) {
  return { entries: [...q], size: q.size, text: q.toString(), keys: [...q.keys()], values: [...q.values()] };
}

describe('ParsedQuery', () => {
  it('parses every query as URLSearchParams does (names, values, order, decoding)', () => {
    fc.assert(
      fc.property(rawQuery, (raw) => {
        const mine = new ParsedQuery(raw);
        const theirs = new URLSearchParams(raw);
        expect(snapshot(mine)).toEqual(snapshot(theirs));
        for (const [name, value] of theirs) {
          expect(mine.get(name)).toBe(theirs.get(name));
          expect(mine.getAll(name)).toEqual(theirs.getAll(name));
          expect(mine.has(name)).toBe(true);
          expect(mine.has(name, value)).toBe(true);
        }
        expect(mine.get('missing')).toBeNull();
        expect(mine.has('missing')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('changes as URLSearchParams changes (append, set, delete, sort)', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('append'), fc.constantFrom('a', 'b', 'é'), fc.constantFrom('1', '', '+&')),
      fc.tuple(fc.constant('set'), fc.constantFrom('a', 'b', 'é'), fc.constantFrom('1', '', '+&')),
      fc.tuple(fc.constant('delete'), fc.constantFrom('a', 'b', 'é'), fc.constantFrom(undefined, '1')),
      fc.tuple(fc.constant('sort'), fc.constant(''), fc.constant(undefined)),
    );
    fc.assert(
      fc.property(rawQuery, fc.array(op, { maxLength: 8 }), (raw, ops) => {
        const mine = new ParsedQuery(raw);
        const theirs = new URLSearchParams(raw);
        for (const [kind, name, value] of ops) {
          for (const q of [mine, theirs] as URLSearchParams[]) {
            if (kind === 'append') q.append(name, value!);
            else if (kind === 'set') q.set(name, value!);
            else if (kind === 'delete') q.delete(name, value);
            else q.sort();
          }
        }
        expect(snapshot(mine)).toEqual(snapshot(theirs));
      }),
      { numRuns: 1000 },
    );
  });

  it('drops a leading "?" and skips empty pairs, as URLSearchParams', () => {
    expect([...new ParsedQuery('?a=1&&b&=c')]).toEqual([
      ['a', '1'],
      ['b', ''],
      ['', 'c'],
    ]);
    expect(String(new ParsedQuery('a=1'))).toBe('a=1');
    expect(Object.prototype.toString.call(new ParsedQuery(''))).toBe('[object URLSearchParams]');
  });

  it('calls forEach as URLSearchParams does', () => {
    const seen: string[] = [];
    const q = new ParsedQuery('a=1&b=2');
    q.forEach((v, k, parent) => {
      seen.push(`${k}=${v}:${parent === q}`);
    });
    expect(seen).toEqual(['a=1:true', 'b=2:true']);
  });
});
