import fc from 'fast-check';
import { type Filter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { escapeFilterValue, fillFilter, wellFormedFilter } from './filter.js';

/** A parsed filter's structure: node kinds and attribute names, not the values. */
function shape(f: Filter): unknown {
  const node = f as unknown as { filters?: Filter[]; filter?: Filter; attribute?: string };
  return {
    kind: f.constructor.name,
    attribute: node.attribute,
    ...(node.filters ? { children: node.filters.map(shape) } : {}),
    ...(node.filter ? { child: shape(node.filter) } : {}),
  };
}

/** The value of the equality filter on `attribute`, as the bytes ldapts sends. */
function assertedValue(f: Filter, attribute: string): Buffer | undefined {
  const node = f as unknown as { filters?: Filter[]; value?: Buffer | string; attribute?: string };
  if (f.constructor.name === 'EqualityFilter' && node.attribute === attribute)
    return Buffer.isBuffer(node.value) ? node.value : Buffer.from(node.value ?? '', 'utf8');
  for (const c of node.filters ?? []) {
    const v = assertedValue(c, attribute);
    if (v !== undefined) return v;
  }
  return undefined;
}

const TEMPLATES = [
  '(uid=%s)',
  '(&(objectClass=inetOrgPerson)(uid=%s))',
  '(|(uid=%s)(mail=%s))',
  '(&(objectClass=groupOfNames)(member=%d))',
  '(&(objectCategory=group)(member:1.2.840.113556.1.4.1941:=%d))',
  '(&(objectClass=posixGroup)(|(memberUid=%s)(member=%d)))',
];

describe('RFC 4515 filter escaping', () => {
  it.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['admin)(|(uid=*', 'admin\\29\\28|\\28uid=\\2a'],
    ['\\2a', '\\5c2a'],
    ['a\u0000b', 'a\\00b'],
    ['Jürgen', 'Jürgen'],
    ['tab\there', 'tab\\09here'],
    ['plain.user-1@x', 'plain.user-1@x'],
  ])('%j → %j', (input, want) => {
    expect(escapeFilterValue(input)).toBe(want);
  });

  it('fills %s and %d in one pass', () => {
    expect(fillFilter('(|(uid=%s)(member=%d))', { username: '%d', userDn: 'cn=x' })).toBe(
      '(|(uid=%d)(member=cn=x))',
    );
    expect(() => fillFilter('(member=%d)', { username: 'a' })).toThrow(/needs a value for %d/);
  });

  it('wellFormedFilter', () => {
    expect(wellFormedFilter('(&(a=b)(c=\\2a))')).toBe(true);
    expect(wellFormedFilter('(a=b))(')).toBe(false);
    expect(wellFormedFilter('(a=b)(c=d)')).toBe(false);
    expect(wellFormedFilter('(a=\\zz)')).toBe(false);
    expect(wellFormedFilter('a=b')).toBe(false);
  });

  it('no value changes a filter’s structure, and the server sees the value’s bytes (property, time-boxed)', () => {
    const values = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc
        .array(fc.constantFrom('*', '(', ')', '\\', '\u0000', '|', '&', '=', '2a', 'uid', '!', ' '), {
          minLength: 1,
          maxLength: 20,
        })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES), values, values, (template, username, userDn) => {
        const filled = fillFilter(template, { username, userDn });
        expect(/[\u0000-\u001f\u007f]/.test(filled)).toBe(false);
        expect(wellFormedFilter(filled)).toBe(true);
        const parsed = FilterParser.parseString(filled);
        const reference = FilterParser.parseString(fillFilter(template, { username: 'x', userDn: 'x' }));
        expect(shape(parsed)).toEqual(shape(reference));
        const uid = assertedValue(parsed, 'uid') ?? assertedValue(parsed, 'memberUid');
        if (uid !== undefined) expect(uid.equals(Buffer.from(username, 'utf8'))).toBe(true);
        const member = assertedValue(parsed, 'member');
        if (member !== undefined) expect(member.equals(Buffer.from(userDn, 'utf8'))).toBe(true);
      }),
      { interruptAfterTimeLimit: 3000, numRuns: 3000 },
    );
  });
});
