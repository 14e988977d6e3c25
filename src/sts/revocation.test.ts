import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FederatedIdentity, isTesseraError, type Principal } from '../core/index.js';
import { Authorizer, IamService, parseMasterKey } from '../iam/index.js';
import { SqliteIamStore } from '../storage/index.js';
import { createStsApi } from './api.js';
import { issueSession } from './issue.js';
import { StsKeyring } from './keys.js';
import { IssuanceLimiter } from './limits.js';
import { sessionOpener } from './token.js';

const masterKey = parseMasterKey(`k:${randomBytes(32).toString('base64')}`);
const keys = StsKeyring.derive(randomBytes(32));
let dir: string;
let stores: SqliteIamStore[];
let a: IamService;
let b: IamService;

async function open(limits = {}): Promise<IamService> {
  const store = SqliteIamStore.forDataDir(dir);
  stores.push(store);
  return IamService.open({
    store,
    masterKey,
    root: { accessKey: 'rootadmin', secretKey: 'rootadmin-secret' },
    sessions: sessionOpener(keys),
    revocations: limits,
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-revoke-'));
  mkdirSync(join(dir, '.tessera'));
  stores = [];
  a = await open({ maxSessions: 2 });
  b = await open({ maxSessions: 2 });
  await a.users.create('', { name: 'alice', secretKey: 'alice-secret-123' });
});
afterEach(async () => {
  a.close();
  b.close();
  for (const s of stores) await s.close();
});

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

async function principal(iam: IamService, key: string, token?: string): Promise<Principal> {
  return (await iam.lookupCredential(key, token))!.principal;
}

/** GetSessionToken as alice through service `iam`'s STS API: the temporary keys. */
async function session(iam: IamService, limiter?: IssuanceLimiter): Promise<[string, string]> {
  const api = createStsApi({
    iam,
    authorizer: new Authorizer({ iam, accountId: '' }),
    keys,
    ...(limiter === undefined ? {} : { limiter }),
  });
  const res = await api({
    principal: await principal(iam, 'alice'),
    params: new URLSearchParams({ Action: 'GetSessionToken' }),
    requestId: 'r',
    context: {},
  });
  return [tag(res.body, 'AccessKeyId')!, tag(res.body, 'SessionToken')!];
}

async function lookup(iam: IamService, [key, token]: [string, string]): Promise<string> {
  try {
    await iam.lookupCredential(key, token);
    return 'ok';
  } catch (e) {
    return isTesseraError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('session revocation', () => {
  it("revoking a user's sessions stops them in this process at once, in another after its feed poll", async () => {
    const s1 = await session(a);
    expect(await lookup(b, s1)).toBe('ok');
    await a.revocations.revoke('', { kind: 'user', name: 'alice' });
    expect(await lookup(a, s1)).toMatch(/^AccessDenied: .*was revoked/);
    expect(await lookup(b, s1)).toBe('ok');
    await b.pollChanges();
    expect(await lookup(b, s1)).toMatch(/^AccessDenied: .*was revoked/);
    await new Promise((r) => setTimeout(r, 2));
    expect(await lookup(b, await session(a))).toBe('ok');
  });

  it('one session by id or temporary access key; the list survives a restart; it is capped', async () => {
    const [s1, s2, s3] = [await session(a), await session(a), await session(a)];
    await a.revocations.revoke('', { kind: 'user', name: 'alice' }, s1[0]);
    expect(await lookup(a, s1)).toMatch(/^AccessDenied/);
    expect(await lookup(a, s2)).toBe('ok');
    const reopened = await open();
    expect(await lookup(reopened, s1)).toMatch(/^AccessDenied/);
    expect(await lookup(reopened, s2)).toBe('ok');
    reopened.close();
    await a.revocations.revoke('', { kind: 'user', name: 'alice' }, s2[0]);
    const full = await a.revocations.revoke('', { kind: 'user', name: 'alice' }, s3[0]).catch((e) => e);
    expect(full).toMatchObject({ code: 'LimitExceeded' });
    expect(await lookup(a, s3)).toBe('ok');
  });

  it("revoking a user revokes its service accounts' sessions; revoking a key only that key's", async () => {
    const sa = await a.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } });
    const api = createStsApi({ iam: a, authorizer: new Authorizer({ iam: a, accountId: '' }), keys });
    const viaKey = async () => {
      const res = await api({
        principal: await principal(a, sa.accessKey),
        params: new URLSearchParams({ Action: 'GetSessionToken' }),
        requestId: 'r',
        context: {},
      });
      return [tag(res.body, 'AccessKeyId')!, tag(res.body, 'SessionToken')!] as [string, string];
    };
    const k1 = await viaKey();
    const own = await session(a);
    await a.revocations.revoke('', { kind: 'serviceAccount', accessKey: sa.accessKey });
    expect(await lookup(a, k1)).toMatch(/^AccessDenied/);
    expect(await lookup(a, own)).toBe('ok');
    await new Promise((r) => setTimeout(r, 2));
    const k2 = await viaKey();
    expect(await lookup(a, k2)).toBe('ok');
    await a.revocations.revoke('', { kind: 'user', name: 'alice' });
    expect(await lookup(a, k2)).toMatch(/^AccessDenied/);
  });

  it("a role's sessions, and root's", async () => {
    await a.roles.create('', {
      name: 'deploy',
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/alice' }, Action: 'sts:AssumeRole' },
        ],
      }),
    });
    const api = createStsApi({ iam: a, authorizer: new Authorizer({ iam: a, accountId: '' }), keys });
    const ask = async (who: string, params: Record<string, string>): Promise<[string, string]> => {
      const res = await api({
        principal: await principal(a, who),
        params: new URLSearchParams(params),
        requestId: 'r',
        context: {},
      });
      return [tag(res.body, 'AccessKeyId')!, tag(res.body, 'SessionToken')!];
    };
    const role = await ask('alice', {
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam:::role/deploy',
      RoleSessionName: 'ci',
    });
    const root = await ask('rootadmin', { Action: 'GetSessionToken' });
    const own = await session(a);
    expect(await lookup(a, role)).toBe('ok');
    await a.revocations.revoke('', { kind: 'role', name: 'deploy' });
    expect(await lookup(a, role)).toMatch(/^AccessDenied/);
    expect(await lookup(a, own)).toBe('ok');
    await a.revocations.revoke('', { kind: 'root' });
    expect(await lookup(a, root)).toMatch(/^AccessDenied/);
    expect(await lookup(a, own)).toBe('ok');
  });

  it('issuance limits answer Throttling', async () => {
    const limiter = new IssuanceLimiter({ maxSessions: 1 });
    await session(a, limiter);
    expect(await session(a, limiter).catch((e) => e.code)).toBe('Throttling');
  });
});

describe('federated users recorded just in time', () => {
  const fed: FederatedIdentity = {
    kind: 'federated',
    account: '',
    source: 'openid:corp',
    issuer: 'https://idp.example.com',
    subject: 'u-1',
    name: 'Una',
    arn: 'arn:aws:sts:::assumed-role/corp/u-1',
    userId: 'corp:u-1',
    policies: ['readonly'],
    groups: [],
    claims: {},
  };

  it('records the user once, then writes nothing until the refresh interval', async () => {
    expect(await a.federatedUsers.recordLogin(fed)).toBe('corp.u-1');
    const user = await a.users.get('', 'corp.u-1');
    expect(Object.fromEntries(user.tags.map((t) => [t.key, t.value]))).toMatchObject({
      'tessera:federated-source': 'openid:corp',
      'tessera:federated-issuer': 'https://idp.example.com',
      'tessera:federated-subject': 'u-1',
      'tessera:federated-name': 'Una',
    });
    const seq = await stores[0]!.latestChangeSeq();
    await a.federatedUsers.recordLogin(fed);
    expect(await stores[0]!.latestChangeSeq()).toBe(seq);
  });

  const allowPut = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
  });

  async function federatedSession(f: FederatedIdentity): Promise<Principal> {
    const issued = issueSession(keys, f, { now: Date.now(), durationSeconds: 900 });
    return principal(a, issued.accessKeyId, issued.sessionToken);
  }

  it("its directory user's policies apply to its sessions besides the claimed ones; revoking it ends them", async () => {
    const p = await federatedSession(fed);
    expect((await a.policySetsFor(p)).identity).toHaveLength(1);
    await a.federatedUsers.recordLogin(fed);
    await a.policies.putInline('', 'user', 'corp.u-1', 'put', allowPut);
    expect((await a.policySetsFor(p)).identity).toHaveLength(2);
    const issued = issueSession(keys, fed, { now: Date.now(), durationSeconds: 900 });
    expect(await lookup(a, [issued.accessKeyId, issued.sessionToken])).toBe('ok');
    await a.revocations.revoke('', { kind: 'user', name: 'corp.u-1' });
    expect(await lookup(a, [issued.accessKeyId, issued.sessionToken])).toMatch(/^AccessDenied/);
  });

  it("a namesake directory user's policies never apply, even when its access keys cached them", async () => {
    await a.users.create('', { name: 'corp.u-3' });
    await a.policies.putInline('', 'user', 'corp.u-3', 'put', allowPut);
    const sa = await a.serviceAccounts.create('', { parent: { type: 'user', name: 'corp.u-3' } });
    expect((await a.policySetsFor(await principal(a, sa.accessKey))).identity).toHaveLength(1);
    const p = await federatedSession({ ...fed, subject: 'u-3' });
    expect((await a.policySetsFor(p)).identity).toHaveLength(1); // readonly only
  });

  it('a namesake directory user is left alone; long or odd subjects get a hashed name', async () => {
    await a.users.create('', { name: 'corp.u-2' });
    await a.federatedUsers.recordLogin({ ...fed, subject: 'u-2' });
    expect((await a.users.get('', 'corp.u-2')).tags).toEqual([]);
    const odd = await a.federatedUsers.recordLogin({ ...fed, subject: `x|${'y'.repeat(80)}` });
    expect(odd).toMatch(/^corp\.x-y+-[0-9a-f]{8}$/);
    expect(odd.length).toBeLessThanOrEqual(64);
  });
});
