import { describe, expect, it } from 'vitest';
import { DEFAULT_LDAP_POOL_SIZE, DEFAULT_LDAP_TIMEOUT_MS, parseLdapConfig } from './config.js';

const M = 'MINIO_IDENTITY_LDAP_';
const T = 'TESSERA_IDENTITY_LDAP_';

function base(suffix = '', over: Record<string, string> = {}): Record<string, string> {
  const s = suffix === '' ? '' : `_${suffix}`;
  const settings: Record<string, string> = {
    SERVER_ADDR: 'ldap.example.org',
    LOOKUP_BIND_DN: 'cn=lookup,dc=example,dc=org',
    LOOKUP_BIND_PASSWORD: 'Sup3r-Secret',
    USER_DN_SEARCH_BASE_DN: 'ou=people,dc=example,dc=org',
    USER_DN_SEARCH_FILTER: '(uid=%s)',
    ...over,
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${M}${k}${s}`, v]));
}

function error(env: Record<string, string>): string {
  try {
    parseLdapConfig(env);
  } catch (e) {
    const m = (e as Error).message;
    expect(m).not.toContain('Sup3r-Secret');
    return m;
  }
  throw new Error('expected an error');
}

describe('parseLdapConfig', () => {
  it('nothing configured: no directory', () => {
    expect(parseLdapConfig({})).toEqual([]);
    expect(parseLdapConfig({ [`${M}SERVER_ADDR`]: ' ' })).toEqual([]);
  });

  it("MinIO's names with defaults: host alone is ldaps on 636", () => {
    expect(parseLdapConfig(base())).toEqual([
      {
        name: 'default',
        url: 'ldaps://ldap.example.org:636',
        startTls: false,
        tlsSkipVerify: false,
        lookupBindDn: 'cn=lookup,dc=example,dc=org',
        lookupBindPassword: 'Sup3r-Secret',
        userBaseDns: ['ou=people,dc=example,dc=org'],
        userFilter: '(uid=%s)',
        userAttributes: [],
        groupBaseDns: [],
        nestedGroups: false,
        timeoutMs: DEFAULT_LDAP_TIMEOUT_MS,
        poolSize: DEFAULT_LDAP_POOL_SIZE,
      },
    ]);
  });

  it('every setting, TESSERA_ winning over MINIO_', () => {
    const [d] = parseLdapConfig({
      ...base('', {
        SERVER_ADDR: 'ldap.example.org:10389',
        SERVER_STARTTLS: 'on',
        TLS_SKIP_VERIFY: 'on',
        USER_DN_SEARCH_BASE_DN: 'ou=a,dc=x; ou=b,dc=x',
        USER_DN_ATTRIBUTES: 'mail, cn,mail',
        GROUP_SEARCH_BASE_DN: 'ou=groups,dc=x',
        GROUP_SEARCH_FILTER: '(&(objectClass=groupOfNames)(member=%d))',
        COMMENT: 'the main directory',
        STS_EXPIRY: '1h',
      }),
      [`${T}TLS_CA_FILE`]: '/etc/ssl/ldap-ca.pem',
      [`${T}NESTED_GROUPS`]: 'on',
      [`${T}TIMEOUT`]: '1500ms',
      [`${T}POOL_SIZE`]: '3',
      [`${T}LOOKUP_BIND_PASSWORD`]: 'tessera-wins',
    });
    expect(d).toMatchObject({
      url: 'ldap://ldap.example.org:10389',
      startTls: true,
      tlsSkipVerify: true,
      caFile: '/etc/ssl/ldap-ca.pem',
      lookupBindPassword: 'tessera-wins',
      userBaseDns: ['ou=a,dc=x', 'ou=b,dc=x'],
      userAttributes: ['mail', 'cn'],
      groupBaseDns: ['ou=groups,dc=x'],
      groupFilter: '(&(objectClass=groupOfNames)(member=%d))',
      nestedGroups: true,
      timeoutMs: 1500,
      poolSize: 3,
    });
  });

  it.each([
    ['ldap.example.org', {}, 'ldaps://ldap.example.org:636'],
    ['ldap.example.org', { SERVER_STARTTLS: 'on' }, 'ldap://ldap.example.org:389'],
    ['ldap.example.org', { SERVER_INSECURE: 'on' }, 'ldap://ldap.example.org:389'],
    ['ldaps://ad.corp.example:3269', {}, 'ldaps://ad.corp.example:3269'],
    ['ldap://ad.corp.example', { SERVER_STARTTLS: 'on' }, 'ldap://ad.corp.example:389'],
    ['[::1]:389', { SERVER_INSECURE: 'on' }, 'ldap://[::1]:389'],
  ])('SERVER_ADDR %s %j → %s', (addr, over, url) => {
    expect(parseLdapConfig(base('', { SERVER_ADDR: addr, ...over }))[0]!.url).toBe(url);
  });

  it('several named directories; default first; names lower-cased', () => {
    const dirs = parseLdapConfig({ ...base('FOREST_B'), ...base(), ...base('Forest_A') });
    expect(dirs.map((d) => d.name)).toEqual(['default', 'forest_a', 'forest_b']);
  });

  it('ENABLE=off drops a directory', () => {
    expect(parseLdapConfig({ ...base(), [`${M}ENABLE`]: 'off' })).toEqual([]);
  });

  it('passes AD’s LDAP_MATCHING_RULE_IN_CHAIN through', () => {
    const f = '(&(objectCategory=group)(member:1.2.840.113556.1.4.1941:=%d))';
    const [d] = parseLdapConfig(
      base('', { GROUP_SEARCH_BASE_DN: 'dc=corp,dc=example', GROUP_SEARCH_FILTER: f }),
    );
    expect(d!.groupFilter).toBe(f);
  });

  it.each([
    [{ SERVER_ADDR: 'ldap://x' }, /MINIO_IDENTITY_LDAP_SERVER_ADDR is a plain ldap:\/\/ address/],
    [{ SERVER_ADDR: 'ldaps://x', SERVER_STARTTLS: 'on' }, /SERVER_STARTTLS cannot be on/],
    [{ SERVER_ADDR: 'http://x' }, /SERVER_ADDR must be host:port/],
    [{ SERVER_ADDR: 'ldap://x/dc=example', SERVER_INSECURE: 'on' }, /SERVER_ADDR must be host:port/],
    [{ SERVER_STARTTLS: 'maybe' }, /SERVER_STARTTLS must be on or off/],
    [{ USER_DN_SEARCH_FILTER: '(uid=alice)' }, /USER_DN_SEARCH_FILTER must contain %s/],
    [{ USER_DN_SEARCH_FILTER: '(uid=%s' }, /USER_DN_SEARCH_FILTER is not an LDAP filter/],
    [{ USER_DN_SEARCH_FILTER: 'uid=%s' }, /USER_DN_SEARCH_FILTER is not an LDAP filter/],
    [{ USER_DN_SEARCH_BASE_DN: 'people' }, /USER_DN_SEARCH_BASE_DN: "people" is not a valid DN/],
    [{ GROUP_SEARCH_FILTER: '(member=%d)' }, /GROUP_SEARCH_FILTER is set without GROUP_SEARCH_BASE_DN/],
    [{ GROUP_SEARCH_BASE_DN: 'ou=g,dc=x', GROUP_SEARCH_FILTER: '(cn=admins)' }, /must contain %d/],
    [
      { GROUP_SEARCH_BASE_DN: 'ou=g,dc=x', GROUP_SEARCH_FILTER: '(memberUid=%s)', TESSERA_NESTED: 'x' },
      /not an LDAP setting/,
    ],
    [{ USER_DN_ATTRIBUTES: 'mail,bad attr' }, /"bad attr" is not an attribute name/],
    [{ TIMEOUT: '0' }, /TIMEOUT must be a duration/],
    [{ TIMEOUT: 'soon' }, /TIMEOUT must be a duration/],
    [{ POOL_SIZE: '0' }, /POOL_SIZE must be a whole number from 1 to 256/],
    [{ USERNAME_FORMAT: 'uid=%s,dc=x' }, /USERNAME_FORMAT is not supported: configure LOOKUP_BIND_DN/],
    [{ SRV_RECORD_NAME: 'ldap' }, /SRV_RECORD_NAME is not supported/],
    [{ SERVER_ADRESS: 'typo' }, /MINIO_IDENTITY_LDAP_SERVER_ADRESS is not an LDAP setting/],
  ])('%j → %s', (over, message) => {
    const { TESSERA_NESTED: _, ...rest } = over as Record<string, string>;
    const env = base('', rest);
    if ('TESSERA_NESTED' in over) env[`${M}NESTED`] = 'on';
    expect(error(env)).toMatch(message);
  });

  it('a missing required setting names it', () => {
    const env = base();
    delete env[`${M}LOOKUP_BIND_PASSWORD`];
    expect(error(env)).toMatch(/SERVER_ADDR is set, but not the LOOKUP_BIND_PASSWORD of that directory/);
    expect(error({ [`${M}USER_DN_SEARCH_FILTER_X`]: '(uid=%s)' })).toMatch(
      /USER_DN_SEARCH_FILTER_X is set, but not the SERVER_ADDR/,
    );
  });

  it('NESTED_GROUPS needs a %d group filter', () => {
    expect(
      error(
        base('', {
          GROUP_SEARCH_BASE_DN: 'ou=g,dc=x',
          GROUP_SEARCH_FILTER: '(memberUid=%s)',
          NESTED_GROUPS: 'on',
        }),
      ),
    ).toMatch(/NESTED_GROUPS needs a GROUP_SEARCH_FILTER with %d/);
  });
});
