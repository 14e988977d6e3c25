import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeDnValue, normalizeDn, sameDn } from './ldap-dn.js';

describe('normalizeDn (RFC 4514)', () => {
  it.each([
    ['CN=Alice Smith , OU=People,DC=Example,DC=org', 'cn=alice smith,ou=people,dc=example,dc=org'],
    ['uid=bob;dc=example;dc=org', 'uid=bob,dc=example,dc=org'],
    ['cn=Smith\\, John,dc=x', 'cn=smith\\, john,dc=x'],
    ['cn=Smith\\2c John,dc=x', 'cn=smith\\, john,dc=x'],
    ['cn="Smith, John",dc=x', 'cn=smith\\, john,dc=x'],
    ['cn=\\ lead,dc=x', 'cn=\\ lead,dc=x'],
    ['cn=trail\\ ,dc=x', 'cn=trail\\ ,dc=x'],
    ['cn=\\#hash,dc=x', 'cn=\\#hash,dc=x'],
    ['cn=#04024869,dc=x', 'cn=#04024869,dc=x'],
    ['cn=a=b,dc=x', 'cn=a\\=b,dc=x'],
    ['uid=b+cn=A,dc=x', 'cn=a+uid=b,dc=x'],
    ['OID.2.5.4.3=x,dc=y', '2.5.4.3=x,dc=y'],
    ['cn=J\\C3\\BCrgen,dc=x', 'cn=jürgen,dc=x'],
    ['cn=Jürgen,dc=x', 'cn=jürgen,dc=x'],
    ['cn=nul\\00byte,dc=x', 'cn=nul\\00byte,dc=x'],
    ['', ''],
  ])('%s → %s', (dn, want) => {
    expect(normalizeDn(dn)).toBe(want);
  });

  it.each([
    'no equals sign',
    'cn=a,',
    'cn=a,,dc=x',
    '=a',
    'c n=a',
    'cn=trailing\\',
    'cn=#abc',
    'cn="open',
    'cn=a<b',
    'cn=\\ff\\fe',
  ])('refuses %j with InvalidParameterValue', (dn) => {
    expect(() => normalizeDn(dn)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('sameDn compares canonical spellings', () => {
    expect(sameDn('uid=Bob,dc=example,dc=org', 'UID=bob, DC=example, DC=org')).toBe(true);
    expect(sameDn('uid=bob,dc=example,dc=org', 'uid=bob2,dc=example,dc=org')).toBe(false);
    expect(sameDn('garbage', 'garbage')).toBe(false);
  });

  it('escapeDnValue round-trips any value through normalizeDn (property, time-boxed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (v) => {
        const dn = `cn=${escapeDnValue(v)},dc=x`;
        const norm = normalizeDn(dn);
        expect(norm).toBe(`cn=${escapeDnValue(v.toLowerCase())},dc=x`);
        expect(normalizeDn(norm)).toBe(norm);
      }),
      { interruptAfterTimeLimit: 2000, numRuns: 2000 },
    );
  });
});
