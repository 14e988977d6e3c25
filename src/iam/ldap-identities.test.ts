import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { authorize } from '../policy/index.js';
import { SqliteIamStore } from '../storage/index.js';
import type { LdapProof } from './ldap-identities.js';
import { parseMasterKey } from './master-key.js';
import { principalContext } from './principal-context.js';
import { IamService } from './service.js';
import type { OpenedSession, SessionClaims } from './sessions.js';
import { allow, TEST_ROOT, testDataDir } from './testing.js';

/** LDAP identities in IAM (docs/ldap.md): mappings, per-request policies, state, feed eviction. */
const KEY = parseMasterKey(`test-key:${randomBytes(32).toString('base64')}`);
const ALICE = 'uid=alice,ou=people,dc=example,dc=org';
const OPS = 'cn=ops,ou=groups,dc=example,dc=org';
const DEV = 'cn=dev,ou=groups,dc=example,dc=org';

let dir: string;
const now = 1_700_000_000_000;
const sessions = new Map<string, OpenedSession>();
const opened: { store: SqliteIamStore; iam: IamService }[] = [];

async function open(): Promise<IamService> {
  const store = SqliteIamStore.forDataDir(dir);
  const iam = await IamService.open({
    store,
    masterKey: KEY,
    root: TEST_ROOT,
    clock: { now: () => now },
    sessions: { open: (_key, token) => sessions.get(token) },
  });
  opened.push({ store, iam });
  return iam;
}

function proof(groups: string[] = [OPS]): LdapProof {
  return {
    directory: 'default',
    username: 'alice',
    userDn: ALICE,
    groupDns: groups,
    attributes: { mail: ['a@x'] },
  };
}

/** A session token of the LDAP identity (the fake opener hands out its claims). */
function session(iam: IamService, p: LdapProof): string {
  const token = `token-${sessions.size}`;
  const claims: SessionClaims = {
    sessionId: `s${sessions.size}`,
    accessKey: `ASIA${sessions.size}`,
    federated: iam.ldap.identity(p),
    issuedAt: now,
    expiresAt: now + 3600_000,
  };
  sessions.set(token, { claims, secretKey: 'secret' });
  return token;
}

async function can(iam: IamService, token: string, action: string, bucket = 'b'): Promise<boolean | string> {
  try {
    const c = await iam.lookupCredential(sessions.get(token)!.claims.accessKey, token);
    const sets = await iam.policySetsFor(c!.principal, bucket);
    return authorize(sets, { action, resource: `arn:aws:s3:::${bucket}/k` }).allowed;
  } catch (e) {
    if (isTesseraError(e)) return e.code;
    throw e;
  }
}

beforeEach(() => {
  dir = testDataDir();
});
afterEach(async () => {
  for (const o of opened.splice(0)) {
    o.iam.close();
    await o.store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('LDAP identities', () => {
  it('policies come from user and group DN mappings, resolved per request; DNs are normalized', async () => {
    const iam = await open();
    await iam.policies.create('', 'reads', allow('s3:GetObject'));
    await iam.policies.create('', 'writes', allow('s3:PutObject'));
    await iam.ldap.attach('', 'group', 'CN=ops, OU=groups,DC=example,DC=org', ['reads']);
    expect(await iam.ldap.mappedPolicies('', proof())).toEqual(['reads']);
    await iam.ldap.recordLogin(proof());
    const t = session(iam, proof());
    expect(await can(iam, t, 's3:GetObject')).toBe(true);
    expect(await can(iam, t, 's3:PutObject')).toBe(false);
    // A mapping change takes effect on the live session at once.
    await iam.ldap.attach('', 'user', ALICE, ['writes']);
    expect(await can(iam, t, 's3:PutObject')).toBe(true);
    await iam.ldap.detach('', 'user', ALICE.toUpperCase(), ['writes']);
    expect(await can(iam, t, 's3:PutObject')).toBe(false);
    const e = await iam.ldap.entities('', {});
    expect(e.groupMappings).toEqual([{ group: OPS, policies: ['reads'] }]);
    expect(e.policyMappings).toEqual([{ policy: 'reads', users: [], groups: [OPS] }]);
  });

  it('an unknown policy cannot be mapped', async () => {
    const iam = await open();
    await expect(iam.ldap.attach('', 'user', ALICE, ['nope'])).rejects.toMatchObject({
      code: 'NoSuchEntity',
    });
  });

  it('a sync finding (groups, missing, back) reaches sessions at once and another process after its poll', async () => {
    const a = await open();
    const b = await open();
    await a.policies.create('', 'reads', allow('s3:GetObject'));
    await a.ldap.attach('', 'group', OPS, ['reads']);
    await a.ldap.recordLogin(proof());
    const t = session(a, proof());
    expect(await can(a, t, 's3:GetObject')).toBe(true);
    expect(await can(b, t, 's3:GetObject')).toBe(true);
    const [u] = await a.ldap.listUsers();
    expect(u).toMatchObject({ directory: 'default', dn: ALICE, state: 'active', groupDns: [OPS] });
    // Moved from ops to dev: its session loses the ops policy, and ldap:groups follows.
    expect(await a.ldap.applySync(u!, { state: 'active', groupDns: [DEV] })).toBe('updated');
    expect(await can(a, t, 's3:GetObject')).toBe(false);
    expect(await can(b, t, 's3:GetObject')).toBe(true); // b has not polled
    await b.pollChanges();
    expect(await can(b, t, 's3:GetObject')).toBe(false);
    const c = await a.lookupCredential('ASIA0', t);
    expect(principalContext(c!.principal, '')).toMatchObject({
      'ldap:groups': [DEV],
      'ldap:username': 'alice',
      'ldap:user': ALICE,
      'ldap:mail': 'a@x',
    });
    // Missing: refused at authentication; its directory user (and so its service accounts) disabled.
    const [u2] = await a.ldap.listUsers();
    expect(await a.ldap.applySync(u2!, { state: 'missing' })).toBe('removed');
    expect(await can(a, t, 's3:GetObject')).toBe('InvalidToken');
    const name = a.ldap.userName('default', ALICE);
    expect((await a.users.get('', name)).status).toBe('disabled');
    const [u3] = await a.ldap.listUsers();
    expect(await a.ldap.applySync(u3!, { state: 'active', groupDns: [OPS] })).toBe('restored');
    expect((await a.users.get('', name)).status).toBe('enabled');
    expect(await can(a, t, 's3:GetObject')).toBe(true);
  });

  it("the session's ARN is its directory user's, so a bucket policy can name it", async () => {
    const iam = await open();
    const f = iam.ldap.identity(proof());
    expect(f.arn).toBe(`arn:aws:iam:::user/${iam.ldap.userName('default', ALICE)}`);
    expect(f.source).toBe('ldap:default');
  });

  it('a user in many groups keeps its groups out of the token but not out of its policies', async () => {
    const iam = await open();
    const many = Array.from(
      { length: 500 },
      (_, i) => `cn=g${String(i).padStart(3, '0')},ou=many,dc=example,dc=org`,
    );
    await iam.policies.create('', 'reads', allow('s3:GetObject'));
    await iam.ldap.attach('', 'group', many[499]!, ['reads']);
    const p = proof(many);
    expect(iam.ldap.identity(p).groups).toEqual([]);
    await iam.ldap.recordLogin(p);
    expect(await can(iam, session(iam, p), 's3:GetObject')).toBe(true);
  });
});
