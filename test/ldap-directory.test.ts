/**
 * The LdapDirectories port against a real OpenLDAP slapd (test/helpers/slapd.ts), through
 * createLdapDirectories: logins, refusals, filter injection, TLS, timeouts, several directories,
 * nested groups, lookupUser and check.
 */
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../src/core/index.js';
import { createLdapDirectories, type LdapDirectories, parseLdapConfig } from '../src/idp/index.js';
import {
  closedPort,
  GROUPS,
  LOOKUP_DN,
  MANY_GROUPS,
  PEOPLE_DN,
  type Slapd,
  startBlackhole,
  startSlapd,
  TWIN_DNS,
  TWIN_PASSWORD,
  USERS,
} from './helpers/slapd.js';

let slapd: Slapd;
const open: LdapDirectories[] = [];

function dirs(env: Record<string, string>): LdapDirectories {
  const d = createLdapDirectories(parseLdapConfig(env));
  open.push(d);
  return d;
}

async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; auditReason?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; message: string; auditReason?: string };
    return {
      code: err.code ?? 'none',
      message: err.message,
      ...(err.auditReason === undefined ? {} : { auditReason: err.auditReason }),
    };
  }
  throw new Error('expected a failure');
}

const n = normalizeDn;

/** A TCP proxy to `target` whose connections the test can cut (a server dropping connections). */
async function startProxy(target: string) {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    addr: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.size / 2,
    accepted: () => accepted,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

beforeAll(async () => {
  slapd = await startSlapd();
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  await slapd?.stop();
});

describe('login', () => {
  let d: LdapDirectories;
  beforeAll(() => {
    d = dirs(slapd.env(undefined, { USER_DN_ATTRIBUTES: 'mail,cn,telephoneNumber' }));
  });

  it('logs a user in: normalized DN, groups, configured attributes', async () => {
    const login = await d.login('alice', USERS.alice.password);
    expect(login).toEqual({
      directory: 'default',
      username: 'alice',
      userDn: n(USERS.alice.dn),
      groupDns: [n(GROUPS.ops), n(GROUPS.platform)].sort(),
      attributes: { mail: ['alice@example.org'], cn: ['Alice Liddell'] },
    });
    expect(d.names).toEqual(['default']);
  });

  it('a user without groups logs in with none', async () => {
    expect((await d.login('eve', USERS.eve.password)).groupDns).toEqual([]);
  });

  it.each([
    // Unknown user, wrong password, several matches and a disabled account read the same to the
    // caller (no user enumeration); the audit-only reason says which.
    [
      'wrong password',
      'alice',
      'bob-pass',
      /^The LDAP username or password is not valid\.$/,
      'wrong-password',
    ],
    ['unknown user', 'nobody', 'x', /^The LDAP username or password is not valid\.$/, 'unknown-user'],
    [
      'ambiguous username',
      'twin',
      TWIN_PASSWORD,
      /^The LDAP username or password is not valid\.$/,
      'ambiguous-user',
    ],
    ['empty password', 'alice', '', /empty password/, 'empty-password'],
    ['empty username', '', 'x', /empty username/, 'empty-username'],
    [
      'disabled AD-style user',
      'dave',
      USERS.dave.password,
      /^The LDAP username or password is not valid\.$/,
      'user-disabled',
    ],
    [
      'unknown directory prefix',
      'other\\alice',
      USERS.alice.password,
      /No LDAP directory is named "other"/,
      'unknown-directory',
    ],
  ])('%s → AccessDenied', async (_what, user, password, message, reason) => {
    const f = await failure(d.login(user, password));
    expect(f.code).toBe('AccessDenied');
    expect(f.message).toMatch(message);
    expect(f.auditReason).toBe(reason);
    expect(f.message).not.toContain(password === '' ? '\u0000never' : password);
  });

  it('the directory itself accepts a DN with an empty password (so the refusal above is Tessera’s)', async () => {
    const { Client } = await import('ldapts');
    const c = new Client({ url: slapd.url, timeout: 2000 });
    await c.bind(USERS.alice.dn, '');
    await c.unbind();
  });

  it.each([
    '*',
    '*)(uid=*',
    'admin)(|(uid=*',
    '*)(|(objectClass=*',
    'alice)(uid=bob',
    '\\2a',
    'al*',
    'a\u0000lice',
    'alice\u0000',
    '\u0000',
    USERS.alice.dn,
    `${PEOPLE_DN}`,
    'alice\\',
    '(uid=alice)',
  ])('injection %j never logs in as anybody', async (username) => {
    for (const password of [USERS.alice.password, USERS.admin.password, USERS.bob.password]) {
      const f = await failure(d.login(username, password));
      expect(f.code).toBe('AccessDenied');
    }
  });

  it('concurrent logins share the pool and stay within its size', async () => {
    const logins = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        d.login(i % 2 === 0 ? 'alice' : 'bob', i % 2 === 0 ? 'alice-pass' : 'bob-pass'),
      ),
    );
    expect(new Set(logins.map((l) => l.username))).toEqual(new Set(['alice', 'bob']));
    const c = (
      d as unknown as { connections(): Record<string, { lookup: number; binds: number }> }
    ).connections();
    expect(c.default!.lookup).toBeLessThanOrEqual(8);
    expect(c.default!.binds).toBeLessThanOrEqual(8);
  });

  it('the user in 500 groups logs in with all of them', async () => {
    const t = Date.now();
    const login = await d.login('many', USERS.many.password);
    expect(login.groupDns).toHaveLength(MANY_GROUPS);
    expect(login.groupDns[0]).toBe(n(`cn=g000,ou=many,${'ou=groups,dc=example,dc=org'}`));
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('findUser finds without a password; undefined for nobody; AccessDenied when ambiguous', async () => {
    expect((await d.findUser('default', 'bob'))?.userDn).toBe(n(USERS.bob.dn));
    expect(await d.findUser('default', 'nobody')).toBeUndefined();
    expect((await failure(d.findUser('default', 'twin'))).code).toBe('AccessDenied');
    expect((await failure(d.findUser('nope', 'bob'))).code).toBe('InvalidParameterValue');
  });
});

describe('nested groups and AD-style filters', () => {
  it('NESTED_GROUPS expands membership client-side', async () => {
    const d = dirs(slapd.env(undefined, { NESTED_GROUPS: 'on' }));
    const alice = await d.login('alice', USERS.alice.password);
    expect(alice.groupDns).toEqual(
      [n(GROUPS.engineers), n(GROUPS.ops), n(GROUPS.platform), n(GROUPS.staff)].sort(),
    );
    const carol = await d.login('carol', USERS.carol.password);
    expect(carol.groupDns).toEqual([n(GROUPS.engineers), n(GROUPS.staff)].sort());
  });

  it('without it only direct groups count', async () => {
    const d = dirs(slapd.env());
    expect((await d.login('carol', USERS.carol.password)).groupDns).toEqual([n(GROUPS.engineers)]);
  });

  it('a filter on another attribute (AD’s sAMAccountName) works', async () => {
    const d = dirs(
      slapd.env(undefined, { USER_DN_SEARCH_FILTER: '(&(objectClass=inetOrgPerson)(sAMAccountName=%s))' }),
    );
    expect((await d.login('alice', USERS.alice.password)).userDn).toBe(n(USERS.alice.dn));
    expect((await failure(d.login('bob', USERS.bob.password))).code).toBe('AccessDenied');
  });

  it('several user base DNs: the twins are found in one base only', async () => {
    const d = dirs(
      slapd.env(undefined, { USER_DN_SEARCH_BASE_DN: `ou=sales,${PEOPLE_DN};ou=missing,${PEOPLE_DN}` }),
    );
    expect((await d.login('twin', TWIN_PASSWORD)).userDn).toBe(n(TWIN_DNS[0]));
  });
});

describe('TLS', () => {
  it('StartTLS with the CA file', async () => {
    const d = dirs(
      slapd.env(undefined, { SERVER_INSECURE: 'off', SERVER_STARTTLS: 'on', TLS_CA_FILE: slapd.caFile }),
    );
    expect((await d.login('bob', USERS.bob.password)).userDn).toBe(n(USERS.bob.dn));
  });

  it('ldaps with the CA file (host:port is ldaps by default, as MinIO)', async () => {
    const env = slapd.env(undefined, {
      SERVER_INSECURE: 'off',
      SERVER_ADDR: slapd.ldapsAddr,
      TLS_CA_FILE: slapd.caFile,
    });
    expect((await dirs(env).login('bob', USERS.bob.password)).username).toBe('bob');
    const url = { ...env, MINIO_IDENTITY_LDAP_SERVER_ADDR: slapd.ldapsUrl };
    expect((await dirs(url).login('bob', USERS.bob.password)).username).toBe('bob');
  });

  it.each([
    ['StartTLS', { SERVER_STARTTLS: 'on' }],
    ['ldaps', {}],
  ])('%s without the CA is refused (IDPCommunicationError), unless TLS_SKIP_VERIFY', async (_what, extra) => {
    const addr = 'SERVER_STARTTLS' in extra ? slapd.addr : slapd.ldapsAddr;
    const env = slapd.env(undefined, { SERVER_INSECURE: 'off', SERVER_ADDR: addr, ...extra, TIMEOUT: '2s' });
    const f = await failure(dirs(env).login('bob', USERS.bob.password));
    expect(f.code).toBe('IDPCommunicationError');
    expect(f.message).toMatch(/certificate/i);
    const skip = dirs({ ...env, MINIO_IDENTITY_LDAP_TLS_SKIP_VERIFY: 'on' });
    expect((await skip.login('bob', USERS.bob.password)).username).toBe('bob');
  });
});

describe('an unreachable directory', () => {
  it('blackholed (accepts, never answers) → IDPCommunicationError within the timeout, for every call', async () => {
    const hole = await startBlackhole();
    try {
      const d = dirs(slapd.env(undefined, { SERVER_ADDR: hole.addr, TIMEOUT: '300ms' }));
      for (const call of [
        () => d.login('alice', 'x'),
        () => d.lookupUser('default', USERS.alice.dn),
        () => d.findUser('default', 'alice'),
      ]) {
        const t = Date.now();
        const f = await failure(call());
        expect(f.code).toBe('IDPCommunicationError');
        expect(f.message).toMatch(/could not be reached.*300 ms/);
        expect(Date.now() - t).toBeLessThan(1500);
      }
      const steps = await d.check('default');
      expect(steps[0]).toMatchObject({ step: 'connect', ok: true });
      expect(steps[1]).toMatchObject({ step: 'lookup bind', ok: false });
    } finally {
      await hole.close();
    }
  });

  it('blackholed ldaps (TLS handshake never answered) → IDPCommunicationError in time', async () => {
    const hole = await startBlackhole();
    try {
      const d = dirs(
        slapd.env(undefined, { SERVER_ADDR: hole.addr, SERVER_INSECURE: 'off', TIMEOUT: '300ms' }),
      );
      const t = Date.now();
      expect((await failure(d.login('alice', 'x'))).code).toBe('IDPCommunicationError');
      expect(Date.now() - t).toBeLessThan(1500);
    } finally {
      await hole.close();
    }
  });

  it('a closed port → IDPCommunicationError at once; check says so', async () => {
    const d = dirs(slapd.env(undefined, { SERVER_ADDR: `127.0.0.1:${await closedPort()}`, TIMEOUT: '1s' }));
    const f = await failure(d.login('alice', USERS.alice.password));
    expect(f.code).toBe('IDPCommunicationError');
    expect(f.message).toMatch(/ECONNREFUSED/);
    const steps = await d.check('default', 'alice');
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', false],
      ['lookup bind', false],
      ['user search', false],
      ['group search', false],
    ]);
  });

  it('a wrong lookup password → IDPCommunicationError naming the lookup bind, never the password', async () => {
    const d = dirs(slapd.env(undefined, { LOOKUP_BIND_PASSWORD: 'wrong-lookup-secret' }));
    const f = await failure(d.login('alice', USERS.alice.password));
    expect(f.code).toBe('IDPCommunicationError');
    expect(f.message).toMatch(/lookup bind was refused/);
    expect(f.message).not.toContain('wrong-lookup-secret');
  });

  it('connections the server dropped are replaced', async () => {
    const proxy = await startProxy(slapd.addr);
    try {
      const d = dirs(slapd.env(undefined, { SERVER_ADDR: proxy.addr }));
      await d.login('bob', USERS.bob.password);
      expect(proxy.connections()).toBeGreaterThan(0);
      // Pooled: ten more logins, one after another, open no new connection.
      const before = proxy.accepted();
      for (let i = 0; i < 10; i++) await d.login('bob', USERS.bob.password);
      expect(proxy.accepted()).toBe(before);
      proxy.dropAll();
      await new Promise((r) => setTimeout(r, 50));
      expect((await d.login('bob', USERS.bob.password)).username).toBe('bob');
      proxy.dropAll();
      expect((await d.lookupUser('default', USERS.bob.dn)).state).toBe('active');
    } finally {
      await proxy.close();
    }
  });
});

describe('several directories', () => {
  let d: LdapDirectories;
  beforeAll(() => {
    // The same server twice: "corp" sees ou=sales only, "eng" ou=engineering only.
    d = dirs({
      ...slapd.env('CORP', { USER_DN_SEARCH_BASE_DN: `ou=sales,${PEOPLE_DN}` }),
      ...slapd.env('ENG', { USER_DN_SEARCH_BASE_DN: `ou=engineering,${PEOPLE_DN}` }),
    });
  });

  it('names, and a username known to one directory logs in there', async () => {
    expect(d.names).toEqual(['corp', 'eng']);
    expect((await d.login('bob', USERS.bob.password)).directory).toBe('corp');
    expect((await d.login('alice', USERS.alice.password)).directory).toBe('eng');
  });

  it('a username known to both is refused without a prefix, accepted with one', async () => {
    const f = await failure(d.login('twin', TWIN_PASSWORD));
    expect(f.code).toBe('AccessDenied');
    expect(f.message).toMatch(/several LDAP directories \(corp, eng\)/);
    const eng = await d.login('eng\\twin', TWIN_PASSWORD);
    expect(eng).toMatchObject({ directory: 'eng', username: 'twin', userDn: n(TWIN_DNS[1]) });
    expect((await d.login('CORP\\twin', TWIN_PASSWORD)).userDn).toBe(n(TWIN_DNS[0]));
    expect((await failure(d.login('corp\\alice', USERS.alice.password))).code).toBe('AccessDenied');
  });

  it('a down directory fails an unprefixed login (it might know the user), not a prefixed one', async () => {
    const both = dirs({
      ...slapd.env('UP'),
      ...slapd.env('DOWN', { SERVER_ADDR: `127.0.0.1:${await closedPort()}`, TIMEOUT: '500ms' }),
    });
    expect((await failure(both.login('bob', USERS.bob.password))).code).toBe('IDPCommunicationError');
    expect((await both.login('up\\bob', USERS.bob.password)).directory).toBe('up');
  });
});

describe('lookupUser (the directory sync)', () => {
  let d: LdapDirectories;
  beforeAll(() => {
    d = dirs(slapd.env());
  });

  it('active, with groups and attributes', async () => {
    expect(await d.lookupUser('default', n(USERS.bob.dn))).toEqual({
      state: 'active',
      groupDns: [n(GROUPS.ops), n(GROUPS.staff)].sort(),
      attributes: {},
    });
  });

  it('disabled (userAccountControl ACCOUNTDISABLE)', async () => {
    expect(await d.lookupUser('default', USERS.dave.dn)).toEqual({ state: 'disabled' });
  });

  it('missing: deleted, outside the user bases, or no longer matching the filter', async () => {
    const dn = await slapd.admin.addUser('temp');
    expect((await d.lookupUser('default', dn)).state).toBe('active');
    await slapd.admin.del(dn);
    expect(await d.lookupUser('default', dn)).toEqual({ state: 'missing' });
    expect(await d.lookupUser('default', LOOKUP_DN)).toEqual({ state: 'missing' });
    const f = dirs(slapd.env(undefined, { USER_DN_SEARCH_FILTER: '(&(objectClass=testADUser)(uid=%s))' }));
    expect((await f.lookupUser('default', USERS.alice.dn)).state).toBe('active');
    expect(await f.lookupUser('default', USERS.bob.dn)).toEqual({ state: 'missing' });
  });

  it('a user disabled and re-enabled, and a group membership change, show at once', async () => {
    const dn = await slapd.admin.addUser('mover', {
      objectClass: ['inetOrgPerson', 'testADUser'],
      userAccountControl: '512',
    });
    expect(await d.lookupUser('default', dn)).toEqual({ state: 'active', groupDns: [], attributes: {} });
    await slapd.admin.addMember(GROUPS.ops, dn);
    expect(await d.lookupUser('default', dn)).toMatchObject({ state: 'active', groupDns: [n(GROUPS.ops)] });
    await slapd.admin.modify(dn, { userAccountControl: '514' });
    expect(await d.lookupUser('default', dn)).toEqual({ state: 'disabled' });
    expect((await failure(d.login('mover', 'mover-pass'))).auditReason).toBe('user-disabled');
    await slapd.admin.modify(dn, { userAccountControl: '512' });
    await slapd.admin.removeMember(GROUPS.ops, dn);
    expect(await d.lookupUser('default', dn)).toMatchObject({ state: 'active', groupDns: [] });
    expect((await d.login('mover', 'mover-pass')).groupDns).toEqual([]);
  });

  it('a DN with escapes, parentheses and a star goes into %d escaped: its groups are found', async () => {
    const dn = `cn=Smith\\, John (contractor*),${PEOPLE_DN}`;
    await slapd.admin.add(dn, {
      objectClass: 'inetOrgPerson',
      cn: 'Smith, John (contractor*)',
      sn: 'Smith',
      uid: 'jsmith',
      userPassword: 'jsmith-pass',
    });
    await slapd.admin.addMember(GROUPS.ops, dn);
    const login = await d.login('jsmith', 'jsmith-pass');
    expect(login.userDn).toBe('cn=smith\\, john (contractor*),ou=people,dc=example,dc=org');
    expect(login.groupDns).toEqual([n(GROUPS.ops)]);
    expect(await d.lookupUser('default', login.userDn)).toMatchObject({
      state: 'active',
      groupDns: [n(GROUPS.ops)],
    });
  });

  it('an unknown directory → InvalidParameterValue; a malformed DN → InvalidParameterValue', async () => {
    expect((await failure(d.lookupUser('nope', USERS.bob.dn))).code).toBe('InvalidParameterValue');
    expect((await failure(d.lookupUser('default', 'not a dn'))).code).toBe('InvalidParameterValue');
  });
});

describe('check', () => {
  it('reports each step', async () => {
    const d = dirs(slapd.env());
    const steps = await d.check('default', 'alice');
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['lookup bind', true],
      ['user search', true],
      ['group search', true],
    ]);
    expect(steps[0]!.detail).toMatch(/plain, unencrypted/);
    expect(steps[2]!.detail).toBe(`found ${n(USERS.alice.dn)}`);
    expect(steps[3]!.detail).toMatch(/^2 group\(s\): cn=ops/);
    const nobody = await d.check('default', 'nobody');
    expect(nobody[2]).toMatchObject({ step: 'user search', ok: false });
    expect(nobody[3]).toMatchObject({ step: 'group search', ok: false });
    // Without a username the group search still runs (its base DNs and filter can be wrong).
    const plain = await d.check('default');
    expect(plain.map((s) => s.ok)).toEqual([true, true, true, true]);
    expect(plain[3]!.detail).toMatch(
      /^searched ou=groups,dc=example,dc=org with \(&\(objectClass=groupOfNames\)\(member=%d\)\)/,
    );
  });
});
