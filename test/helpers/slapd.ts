/**
 * A real OpenLDAP slapd (Debian's /usr/sbin/slapd) on loopback ports with a throwaway
 * configuration in a temp dir: plain ldap:// (StartTLS-capable) and ldaps://, a CA and server
 * certificate generated here, an mdb database seeded from test/fixtures/ldap/directory.ldif plus
 * a user in 500 generated groups. Share one per test file: startSlapd() in beforeAll, stop() in
 * afterAll.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';

/** test/fixtures/ldap: beside test/helpers, or above a build of it (dist/test/helpers, for bench/ldap.ts). */
function fixtures(): string {
  for (let dir = resolve(import.meta.dirname, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, basename(dir) === 'test' ? 'fixtures/ldap' : 'test/fixtures/ldap');
    if (existsSync(join(candidate, 'directory.ldif'))) return candidate;
    if (dirname(dir) === dir) throw new Error('test/fixtures/ldap not found');
  }
}
const FIXTURES = fixtures();
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export const BASE_DN = 'dc=example,dc=org';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'admin-secret';
export const LOOKUP_DN = `cn=lookup,ou=service,${BASE_DN}`;
export const LOOKUP_PASSWORD = 'lookup-secret';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;

/** The seeded users: DN (as seeded) and password (`<uid>-pass`). */
export const USERS = {
  /** In ou=platform,ou=engineering (nested OUs); groups platform and ops (nested: engineers, staff); mail, cn. */
  alice: { dn: `uid=alice,ou=platform,ou=engineering,${PEOPLE_DN}`, password: 'alice-pass' },
  /** Groups staff and ops. */
  bob: { dn: `uid=bob,ou=sales,${PEOPLE_DN}`, password: 'bob-pass' },
  /** Group engineers (nested: staff). */
  carol: { dn: `uid=carol,ou=engineering,${PEOPLE_DN}`, password: 'carol-pass' },
  /** AD-style disabled: userAccountControl 514 (ACCOUNTDISABLE); group ops. */
  dave: { dn: `uid=dave,${PEOPLE_DN}`, password: 'dave-pass' },
  /** A user named admin (for injection cases); no groups. */
  admin: { dn: `uid=admin,${PEOPLE_DN}`, password: 'admin-pass' },
  /** No groups. */
  eve: { dn: `uid=eve,${PEOPLE_DN}`, password: 'eve-pass' },
  /** Member of the 500 generated groups cn=g000…g499,ou=many,ou=groups. */
  many: { dn: `uid=many,${PEOPLE_DN}`, password: 'many-pass' },
} as const;
/** Two users with uid=twin (ou=sales and ou=engineering): `(uid=%s)` is ambiguous for "twin". */
export const TWIN_DNS = [`uid=twin,ou=sales,${PEOPLE_DN}`, `uid=twin,ou=engineering,${PEOPLE_DN}`] as const;
export const TWIN_PASSWORD = 'twin-pass';
export const GROUPS = {
  platform: `cn=platform,${GROUPS_DN}`,
  /** Members: cn=platform (a group) and carol. */
  engineers: `cn=engineers,${GROUPS_DN}`,
  /** Members: cn=engineers (a group) and bob. */
  staff: `cn=staff,${GROUPS_DN}`,
  /** Members: alice, bob, dave. */
  ops: `cn=ops,${GROUPS_DN}`,
} as const;
export const MANY_GROUPS = 500;

/** Changes to the directory as its root DN (for sync and membership cases). */
export interface SlapdAdmin {
  add(dn: string, attributes: Record<string, string | string[]>): Promise<void>;
  /** Replaces (or with `undefined` removes) attributes. */
  modify(dn: string, replace: Record<string, string | string[] | undefined>): Promise<void>;
  del(dn: string): Promise<void>;
  addMember(groupDn: string, memberDn: string): Promise<void>;
  removeMember(groupDn: string, memberDn: string): Promise<void>;
  /** Adds an inetOrgPerson `uid=<uid>,ou=people,…` with password `<uid>-pass`; returns its DN. */
  addUser(uid: string, extra?: Record<string, string | string[]>): Promise<string>;
}

export interface Slapd {
  /** `ldap://127.0.0.1:<port>` (plain; StartTLS works on it). */
  readonly url: string;
  /** `ldaps://127.0.0.1:<port>`. */
  readonly ldapsUrl: string;
  /** `127.0.0.1:<port>` of each (MinIO's SERVER_ADDR form). */
  readonly addr: string;
  readonly ldapsAddr: string;
  /** The PEM file of the CA that signed the server's certificate (CN and SAN 127.0.0.1, localhost). */
  readonly caFile: string;
  readonly admin: SlapdAdmin;
  /**
   * MINIO_IDENTITY_LDAP_* variables for this server (plain ldap with SERVER_INSECURE, users
   * `(uid=%s)` under ou=people, groupOfNames `member=%d` under ou=groups), with `_<SUFFIX>` when
   * `suffix` is given, and `extra` settings (stems without prefix, e.g. { TIMEOUT: '1s' }).
   */
  env(suffix?: string, extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a server certificate for 127.0.0.1 / localhost, EC P-256 (fast). */
function certificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Tessera Test LDAP CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
}

function config(dir: string): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${join(FIXTURES, 'test.schema')}`,
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'sizelimit unlimited',
    // A DN with an empty password binds anonymously here: Tessera must refuse such logins itself.
    'allow bind_anon_dn',
    `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
    `TLSCertificateFile ${join(dir, 'server.pem')}`,
    `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
    'database mdb',
    'maxsize 67108864',
    `suffix "${BASE_DN}"`,
    `rootdn "${ADMIN_DN}"`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${join(dir, 'db')}`,
    'index objectClass eq',
    'index uid eq',
    'index member eq',
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by users read by anonymous auth',
    '',
  ].join('\n');
}

/** The user in MANY_GROUPS groups, as LDIF. */
function manyLdif(): string {
  const out = [
    `dn: ${USERS.many.dn}`,
    'objectClass: inetOrgPerson',
    'uid: many',
    'cn: Many Groups',
    'sn: Groups',
    `userPassword: ${USERS.many.password}`,
    '',
  ];
  for (let i = 0; i < MANY_GROUPS; i++) {
    const cn = `g${String(i).padStart(3, '0')}`;
    out.push(
      `dn: cn=${cn},ou=many,${GROUPS_DN}`,
      'objectClass: groupOfNames',
      `cn: ${cn}`,
      `member: ${USERS.many.dn}`,
      '',
    );
  }
  return out.join('\n');
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`slapd did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

function adminOf(url: string): SlapdAdmin & { close(): Promise<void> } {
  let client: Client | undefined;
  const bound = async (): Promise<Client> => {
    if (client?.isBound) return client;
    client = new Client({ url, timeout: 5000, connectTimeout: 5000 });
    await client.bind(ADMIN_DN, ADMIN_PASSWORD);
    return client;
  };
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  const admin = {
    async add(dn: string, attributes: Record<string, string | string[]>) {
      await (await bound()).add(dn, attributes);
    },
    async modify(dn: string, replace: Record<string, string | string[] | undefined>) {
      const changes = Object.entries(replace).map(
        ([type, v]) =>
          new Change({
            operation: v === undefined ? 'delete' : 'replace',
            modification: new Attribute({ type, values: v === undefined ? [] : list(v) }),
          }),
      );
      await (await bound()).modify(dn, changes);
    },
    async del(dn: string) {
      await (await bound()).del(dn);
    },
    async addMember(groupDn: string, memberDn: string) {
      const change = new Change({
        operation: 'add',
        modification: new Attribute({ type: 'member', values: [memberDn] }),
      });
      await (await bound()).modify(groupDn, change);
    },
    async removeMember(groupDn: string, memberDn: string) {
      const change = new Change({
        operation: 'delete',
        modification: new Attribute({ type: 'member', values: [memberDn] }),
      });
      await (await bound()).modify(groupDn, change);
    },
    async addUser(uid: string, extra: Record<string, string | string[]> = {}) {
      const dn = `uid=${uid},${PEOPLE_DN}`;
      await admin.add(dn, {
        objectClass: 'inetOrgPerson',
        uid,
        cn: uid,
        sn: uid,
        userPassword: `${uid}-pass`,
        ...extra,
      });
      return dn;
    },
    async close() {
      await client?.unbind().catch(() => {});
    },
  };
  return admin;
}

/** Starts slapd (well under 2 s): certificates, slapadd of the fixture, then the server. */
export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-slapd-'));
  mkdirSync(join(dir, 'db'));
  certificates(dir);
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, config(dir));
  const seed = join(dir, 'seed.ldif');
  const fixture = readFileSync(join(FIXTURES, 'directory.ldif'), 'utf8');
  writeFileSync(seed, `${fixture}\n${manyLdif()}`);
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', seed], { stdio: 'pipe' });
  const [port, tlsPort] = [await freePort(), await freePort()];
  const urls = `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`;
  const child = spawn(SLAPD, ['-f', conf, '-h', urls, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  try {
    await waitForPort(port, child, () => stderr);
    await waitForPort(tlsPort, child, () => stderr);
  } catch (e) {
    kill();
    throw e;
  }
  const url = `ldap://127.0.0.1:${port}`;
  const admin = adminOf(url);
  const addr = `127.0.0.1:${port}`;
  const caFile = join(dir, 'ca.pem');
  return {
    url,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    addr,
    ldapsAddr: `127.0.0.1:${tlsPort}`,
    caFile,
    admin,
    env(suffix, extra = {}) {
      const settings: Record<string, string> = {
        SERVER_ADDR: addr,
        SERVER_INSECURE: 'on',
        LOOKUP_BIND_DN: LOOKUP_DN,
        LOOKUP_BIND_PASSWORD: LOOKUP_PASSWORD,
        USER_DN_SEARCH_BASE_DN: PEOPLE_DN,
        USER_DN_SEARCH_FILTER: '(uid=%s)',
        GROUP_SEARCH_BASE_DN: GROUPS_DN,
        GROUP_SEARCH_FILTER: '(&(objectClass=groupOfNames)(member=%d))',
        ...extra,
      };
      return Object.fromEntries(
        Object.entries(settings).map(([k, v]) => [
          `MINIO_IDENTITY_LDAP_${k}${suffix === undefined ? '' : `_${suffix}`}`,
          v,
        ]),
      );
    },
    async stop() {
      await admin.close();
      process.removeListener('exit', kill);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(kill, 2000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP server that accepts connections and never answers (a blackholed directory). */
export async function startBlackhole(): Promise<{ addr: string; url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    addr: `127.0.0.1:${port}`,
    url: `ldap://127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  return freePort();
}
