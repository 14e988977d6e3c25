import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError, type Principal } from '../core/index.js';
import {
  Authorizer,
  IamService,
  parseMasterKey,
  principalContext,
  type SessionClaims,
} from '../iam/index.js';
import { SqliteIamStore } from '../storage/index.js';
import { createStsApi } from './api.js';
import { StsKeyring } from './keys.js';
import { sealSession, sessionOpener } from './token.js';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ops/deploy`;
const trust = (principal: string, condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
const allow = (action: string, resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

let store: SqliteIamStore;
let iam: IamService;
let keys: StsKeyring;
let strict: ReturnType<typeof createStsApi>;
let api: ReturnType<typeof createStsApi>;

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-roles-'));
  mkdirSync(join(dir, '.tessera'));
  store = SqliteIamStore.forDataDir(dir);
  keys = StsKeyring.derive(randomBytes(32));
  iam = await IamService.open({
    store,
    masterKey: parseMasterKey(`k:${randomBytes(32).toString('base64')}`),
    root: { accessKey: 'rootadmin', secretKey: 'rootadmin-secret' },
    defaultAccountId: ACCOUNT,
    sessions: sessionOpener(keys),
  });
  const authorizer = new Authorizer({ iam, accountId: ACCOUNT });
  api = createStsApi({ iam, authorizer, keys });
  strict = createStsApi({ iam, authorizer, keys, strictRoles: true });
  await iam.users.create('', { name: 'alice', secretKey: 'alice-secret-123' });
  await iam.roles.create('', {
    name: 'deploy',
    path: '/ops/',
    trustPolicy: trust(`arn:aws:iam::${ACCOUNT}:user/alice`),
  });
  await iam.policies.putInline('', 'role', 'deploy', 'put', allow('s3:PutObject'));
});
afterEach(async () => {
  iam.close();
  await store.close();
});

async function principal(accessKey: string, token?: string): Promise<Principal> {
  const c = await iam.lookupCredential(accessKey, token);
  return c!.principal;
}

async function call(p: Principal, params: Record<string, string>, which = api): Promise<string> {
  const res = await which({
    principal: p,
    params: new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', ...params }),
    requestId: 'r',
    context: {},
  });
  return res.body;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isTesseraError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('AssumeRole of a role', () => {
  it('issues a session of the role: its ARN, aws:userid, condition keys and policies', async () => {
    const body = await call(await principal('alice'), { RoleArn: ROLE, RoleSessionName: 'ci' });
    expect(tag(body, 'Arn')).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci`);
    const session = await principal(tag(body, 'AccessKeyId')!, tag(body, 'SessionToken')!);
    const role = await iam.roles.get('', 'deploy');
    expect(session).toMatchObject({ kind: 'session', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci` });
    expect(principalContext(session, ACCOUNT)).toMatchObject({
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalArn': ROLE,
      'aws:userid': `${role.id}:ci`,
    });
    const sets = await iam.policySetsFor(session);
    expect(sets.identity).toHaveLength(1);
    expect(sets.principal.aliases).toEqual([ROLE]);
  });

  it('refuses callers the trust policy does not allow, root, and a missing session name', async () => {
    await iam.users.create('', { name: 'bob', secretKey: 'bob-secret-1234' });
    expect(await failure(call(await principal('bob'), { RoleArn: ROLE, RoleSessionName: 'xx' }))).toMatch(
      /^AccessDenied/,
    );
    expect(
      await failure(call(await principal('rootadmin'), { RoleArn: ROLE, RoleSessionName: 'xx' })),
    ).toMatch(/^AccessDenied: Roles may not be assumed by root/);
    expect(await failure(call(await principal('alice'), { RoleArn: ROLE }))).toMatch(/^ValidationError/);
  });

  it('an explicit Deny of sts:AssumeRole in the caller’s policies refuses even a trust naming it', async () => {
    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: ROLE }],
    });
    await iam.policies.putInline('', 'user', 'alice', 'deny', deny);
    const refused = await failure(call(await principal('alice'), { RoleArn: ROLE, RoleSessionName: 'xx' }));
    expect(refused).toMatch(/^AccessDenied/);
  });

  it('evaluates trust conditions over the request (sts:ExternalId)', async () => {
    await iam.roles.updateTrust(
      '',
      'deploy',
      trust(`arn:aws:iam::${ACCOUNT}:root`, { StringEquals: { 'sts:ExternalId': 'e1' } }),
    );
    await iam.policies.putInline('', 'user', 'alice', 'assume', allow('sts:AssumeRole', ROLE));
    const alice = await principal('alice');
    expect(await failure(call(alice, { RoleArn: ROLE, RoleSessionName: 'xx' }))).toMatch(/^AccessDenied/);
    expect(await failure(call(alice, { RoleArn: ROLE, RoleSessionName: 'xx', ExternalId: 'e1' }))).toBe('ok');
  });

  it('a role session may assume a role again, for at most one hour', async () => {
    await iam.roles.create('', { name: 'next', trustPolicy: trust(ROLE), maxSessionDuration: 7200 });
    // The trust policy names the role (not the session's exact ARN): the role must allow it too.
    await iam.policies.putInline('', 'role', 'deploy', 'chain', allow('sts:AssumeRole'));
    const body = await call(await principal('alice'), { RoleArn: ROLE, RoleSessionName: 'ci' });
    const session = await principal(tag(body, 'AccessKeyId')!, tag(body, 'SessionToken')!);
    const next = `arn:aws:iam::${ACCOUNT}:role/next`;
    expect(
      await failure(call(session, { RoleArn: next, RoleSessionName: 'nn', DurationSeconds: '7200' })),
    ).toMatch(/^ValidationError/);
    const chained = await call(session, { RoleArn: next, RoleSessionName: 'nn' });
    expect(tag(chained, 'Arn')).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/next/nn`);
  });

  it('a RoleArn naming no role: the caller’s session, or AccessDenied with strict roles', async () => {
    const alice = await principal('alice');
    const other = 'arn:aws:iam::000000000000:role/x';
    expect(tag(await call(alice, { RoleArn: other }), 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(await failure(call(alice, { RoleArn: other }, strict))).toBe(
      `AccessDenied: User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${other}`,
    );
  });

  it('a deleted, or deleted and re-created, role stops its sessions', async () => {
    const body = await call(await principal('alice'), { RoleArn: ROLE, RoleSessionName: 'ci' });
    const open = () =>
      failure(Promise.resolve(iam.lookupCredential(tag(body, 'AccessKeyId')!, tag(body, 'SessionToken')!)));
    expect(await open()).toBe('ok');
    await iam.policies.deleteInline('', 'role', 'deploy', 'put');
    await iam.roles.delete('', 'deploy');
    expect(await open()).toMatch(/^InvalidToken/);
    await iam.roles.create('', {
      name: 'deploy',
      path: '/ops/',
      trustPolicy: trust(`arn:aws:iam::${ACCOUNT}:user/alice`),
    });
    expect(await open()).toMatch(/^InvalidToken/);
  });
});

describe('role session tokens', () => {
  const base: SessionClaims = {
    sessionId: 's',
    accessKey: 'ASIAAAAAAAAAAAAAAAAA',
    issuedAt: 1,
    expiresAt: 10_000,
  };
  it('carry the role and open with it; a token naming two parents does not open', () => {
    const role = { account: '', name: 'deploy', id: 'AROAX' };
    const { token } = sealSession(keys, { ...base, role });
    expect(sessionOpener(keys).open(base.accessKey, token, 2)?.claims.role).toEqual(role);
    const two = sealSession(keys, { ...base, role, parentAccessKey: 'alice' }).token;
    expect(sessionOpener(keys).open(base.accessKey, two, 2)).toBeUndefined();
  });
});
