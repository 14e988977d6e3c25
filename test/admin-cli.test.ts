import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

/**
 * `tessera alias …` and `tessera admin …` end to end: the built CLI against the real server (two
 * workers), with its configuration in a temporary TESSERA_CONFIG_DIR; effects checked with S3
 * requests signed by @aws-sdk/client-s3.
 */
let server: RunningServer;
let root: S3Client;
let dir: string;

type Run = { code: number; out: string; err: string };

/** A command line split on spaces, or the arguments as given (for values with spaces). */
type Args = string | string[];
const argv = (a: Args) => (typeof a === 'string' ? a.split(' ') : a);

function tessera(line: Args): Promise<Run> {
  const args = argv(line);
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

/** Runs and expects success; returns stdout. */
async function ok(line: Args): Promise<string> {
  const args = argv(line);
  const r = await tessera(args);
  if (r.code !== 0) throw new Error(`tessera ${args.join(' ')} → ${r.code}: ${r.err}`);
  return r.out;
}

// biome-ignore lint/suspicious/noExplicitAny: --json output is checked field by field
async function json(line: Args): Promise<any> {
  return JSON.parse(await ok([...argv(line), '--json']));
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function s3As(accessKeyId: string, secretAccessKey: string): S3Client {
  return s3Client(server, { credentials: { accessKeyId, secretAccessKey } });
}

/** 'ok' or the S3 error name of a GetObject. */
async function get(client: S3Client, key: string): Promise<string> {
  try {
    await client.send(new GetObjectCommand({ Bucket: 'cli-bucket', Key: key }));
    return 'ok';
  } catch (e) {
    return (e as Error).name;
  }
}

const REFUSED = /^(AccessDenied|InvalidAccessKeyId)$/;

/**
 * Polls a GetObject until it gives `want` ('ok' or an error name), then asserts it: changes reach
 * every worker within about a second; the deadline only bounds the wait.
 */
async function until(client: S3Client, key: string, want: string | RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got = await get(client, key);
  while (!(typeof want === 'string' ? got === want : want.test(got)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await get(client, key);
  }
  expect(got).toMatch(want);
}

const GET_PUBLIC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cli-bucket/public/*' }],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-admin-cli-'));
  server = await startServer();
  root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: 'cli-bucket' }));
  for (const key of ['public/a', 'private/b'])
    await root.send(new PutObjectCommand({ Bucket: 'cli-bucket', Key: key, Body: key }));
});
afterAll(async () => {
  root?.destroy();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera alias', () => {
  it('set, list (secrets only on request), remove; the file has mode 0600', async () => {
    await ok(`alias set local ${server.endpoint} ${ROOT_USER} ${ROOT_PASSWORD}`);
    await ok('alias set other https://s3.example.com/ OTHERKEY other-secret-1');
    expect(statSync(join(dir, 'config', 'config.json')).mode & 0o777).toBe(0o600);
    const listed = await ok('alias list');
    expect(listed).toMatch(/^ALIAS\s+URL\s+ACCESS KEY\n/);
    expect(listed).toMatch(/other\s+https:\/\/s3\.example\.com\s+OTHERKEY/);
    expect(listed).not.toContain(ROOT_PASSWORD);
    const aliases = await json('alias list');
    expect(aliases).toContainEqual({ alias: 'local', url: server.endpoint, accessKey: ROOT_USER });
    expect(await ok('alias list --show-secrets')).toContain('other-secret-1');
    await ok('alias remove other');
    expect(readFileSync(join(dir, 'config', 'config.json'), 'utf8')).not.toContain('other');
    const missing = await tessera('admin user list other');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no alias "other"/);
    expect((await tessera('alias set bad ftp://x k s')).code).toBe(1);
  });
});

describe('tessera admin user', () => {
  it('a user added with a secret signs S3 requests, denied until a policy is attached; disable refuses it', async () => {
    await ok('admin user add local alice alice-secret-01');
    await ok('admin user add local bob');
    const alice = s3As('alice', 'alice-secret-01');
    expect(await get(alice, 'public/a')).toBe('AccessDenied');
    await ok('admin policy attach local readonly --user alice');
    await until(alice, 'public/a', 'ok');

    const users = await json('admin user list local');
    const statuses = users.map((u: { name: string; status: string }) => `${u.name}:${u.status}`);
    expect(statuses).toEqual(expect.arrayContaining(['alice:enabled', 'bob:enabled']));
    expect(await ok('admin user list local')).toMatch(/^NAME\s+STATUS\s+CREATED\n/);
    const info = await json('admin user info local alice');
    expect(info).toMatchObject({ name: 'alice', status: 'enabled', secret: true, policies: ['readonly'] });
    expect(await ok('admin user info local bob')).toMatch(/Secret:\s+none/);

    await ok('admin user disable local alice');
    expect(await json('admin user info local alice')).toMatchObject({ status: 'disabled' });
    await until(alice, 'public/a', REFUSED);
    await ok('admin user enable local alice');
    await until(alice, 'public/a', 'ok');

    // Adding an existing user with a secret sets the secret, as mc does.
    await ok('admin user add local alice alice-secret-02');
    const rotated = s3As('alice', 'alice-secret-02');
    await until(rotated, 'public/a', 'ok');
    alice.destroy();
    rotated.destroy();
  });

  it('errors print the server code and message and exit 1', async () => {
    const r = await tessera('admin user info local nobody');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tessera: NoSuchEntity: The user with name nobody cannot be found\./);
    const dup = await tessera('admin user add local bob');
    expect(dup.err).toMatch(/EntityAlreadyExists/);
    const weak = await tessera('admin user add local weak short');
    expect(weak.err).toMatch(/^tessera: InvalidInput: /);
    expect(await tessera('admin user info local weak')).toMatchObject({ code: 1 });
  });

  it('a user denied on another user cannot reach it by changing the letter case of its name', async () => {
    await ok('admin user add local kim kim-secret-0123');
    await ok('admin user add local mallory mallory-secret-0123');
    const policy = file('mallory.json', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iam:*', 'admin:*'], Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam:::user/kim' },
      ],
    });
    await ok(`admin policy create local mallory-policy ${policy}`);
    await ok('admin policy attach local mallory-policy --user mallory');
    await ok(`alias set mallory ${server.endpoint} mallory mallory-secret-0123`);
    for (const line of [
      'admin policy attach mallory consoleAdmin --user KIM',
      'admin user add mallory Kim taken-over-0123',
      'admin svcacct add mallory KIM',
    ]) {
      const r = await tessera(line);
      expect([line, r.code, /AccessDenied/.test(r.err)]).toEqual([line, 1, true]);
    }
    const info = await json('admin user info local kim');
    expect(JSON.stringify(info)).not.toContain('consoleAdmin');
    expect(await json('admin svcacct list local kim')).toEqual([]);
  });
});

describe('tessera admin group', () => {
  it('add, info, list, disable (its policies stop applying), enable, remove members, remove', async () => {
    await ok('admin user add local gina gina-secret-01');
    await ok('admin group add local readers gina bob');
    await ok('admin policy attach local readonly --group readers');
    const gina = s3As('gina', 'gina-secret-01');
    await until(gina, 'public/a', 'ok');
    const group = await json('admin group info local readers');
    expect(group).toMatchObject({ status: 'enabled', members: ['bob', 'gina'], policies: ['readonly'] });
    expect(await ok('admin group list local')).toMatch(/readers\s+enabled/);
    await ok('admin group disable local readers');
    expect(await json('admin group list local')).toContainEqual(
      expect.objectContaining({ name: 'readers', status: 'disabled' }),
    );
    await until(gina, 'public/a', 'AccessDenied');
    await ok('admin group enable local readers');
    await until(gina, 'public/a', 'ok');
    const busy = await tessera('admin group remove local readers');
    expect(busy).toMatchObject({ code: 1, err: expect.stringMatching(/DeleteConflict/) });
    await ok('admin group remove local readers bob gina');
    expect((await json('admin group info local readers')).members).toEqual([]);
    await ok('admin group remove local readers');
    expect(await json('admin group list local')).toEqual([]);
    gina.destroy();
  });
});

describe('tessera admin policy', () => {
  it('create (and replace), list, info, attach, entities, simulate, detach, remove', async () => {
    await ok(`admin policy create local get-public ${file('p1.json', GET_PUBLIC)}`);
    expect(await ok(`admin policy create local get-public ${file('p1.json', GET_PUBLIC)}`)).toMatch(
      /Updated/,
    );
    const list = await json('admin policy list local');
    expect(list).toContainEqual(expect.objectContaining({ name: 'get-public', type: 'custom' }));
    expect(list).toContainEqual(expect.objectContaining({ name: 'readwrite', type: 'built-in' }));
    const info = await json('admin policy info local get-public');
    expect(info).toMatchObject({ name: 'get-public', defaultVersion: 'v2', document: GET_PUBLIC });
    await ok('admin policy attach local get-public --user bob');
    const entities = await json('admin policy entities local get-public');
    expect(entities).toEqual({ policy: 'get-public', users: ['bob'], groups: [] });
    const sim = await ok(
      'admin policy simulate local --user bob --action s3:GetObject s3:PutObject --resource arn:aws:s3:::cli-bucket/public/x',
    );
    expect(sim).toMatch(/^ACTION\s+RESOURCE\s+DECISION/);
    expect(sim).toMatch(/s3:GetObject\s+arn:aws:s3:::cli-bucket\/public\/x\s+allowed\s+get-public/);
    expect(sim).toMatch(/s3:PutObject\s+\S+\s+implicitDeny/);
    const custom = await json(
      `admin policy simulate local --policy ${file('p1.json', GET_PUBLIC)} --action s3:GetObject --resource arn:aws:s3:::cli-bucket/private/x --context aws:SourceIp=ip:10.0.0.1`,
    );
    expect(custom).toEqual([expect.objectContaining({ decision: 'implicitDeny', matched: [] })]);
    const attached = await tessera('admin policy remove local get-public');
    expect(attached).toMatchObject({ code: 1, err: expect.stringMatching(/DeleteConflict/) });
    await ok('admin policy detach local get-public --user bob');
    await ok('admin policy remove local get-public');
    expect((await tessera('admin policy info local get-public')).err).toMatch(/NoSuchEntity/);
    const neither = await tessera('admin policy attach local readonly');
    expect(neither).toMatchObject({ code: 1, err: expect.stringMatching(/--user USER or --group GROUP/) });
  });
});

describe('tessera admin svcacct', () => {
  it('add --policy narrows; list, info, edit, remove', async () => {
    await ok('admin user add local sam sam-secret-0001');
    await ok('admin policy attach local readonly --user sam');
    const narrow = file('narrow.json', GET_PUBLIC);
    const add = `admin svcacct add local sam --policy ${narrow} --access-key sam-app-key-0001 --name app`;
    const key = await json(`${add} --secret-key sam-app-secret-01 --description the-app`);
    expect(key).toMatchObject({ accessKey: 'sam-app-key-0001', secretKey: 'sam-app-secret-01' });
    const app = s3As('sam-app-key-0001', 'sam-app-secret-01');
    await until(app, 'public/a', 'ok');
    expect(await get(app, 'private/b')).toBe('AccessDenied');
    const generated = await json('admin svcacct add local sam');
    expect(generated.accessKey).toMatch(/^[A-Z0-9]{20}$/);
    expect(generated.secretKey).toHaveLength(40);

    const listed = await json('admin svcacct list local sam');
    expect(listed.map((k: { accessKey: string }) => k.accessKey).sort()).toEqual(
      [generated.accessKey, 'sam-app-key-0001'].sort(),
    );
    expect(await ok('admin svcacct list local sam')).toMatch(/sam-app-key-0001\s+Active\s+app/);
    const info = await json('admin svcacct info local sam-app-key-0001');
    expect(info).toMatchObject({ parent: 'sam', status: 'Active', name: 'app', description: 'the-app' });
    expect(info.policy).toEqual(GET_PUBLIC);
    expect(JSON.stringify(info)).not.toContain('sam-app-secret-01');

    await ok('admin svcacct edit local sam-app-key-0001 --remove-policy');
    await until(app, 'private/b', 'ok');
    await ok('admin svcacct edit local sam-app-key-0001 --status disabled --name app2');
    expect(await json('admin svcacct info local sam-app-key-0001')).toMatchObject({
      status: 'Inactive',
      name: 'app2',
    });
    await until(app, 'public/a', REFUSED);
    await ok('admin svcacct edit local sam-app-key-0001 --status enabled --secret-key sam-app-secret-02');
    const app2 = s3As('sam-app-key-0001', 'sam-app-secret-02');
    await until(app2, 'public/a', 'ok');
    await ok('admin svcacct remove local sam-app-key-0001');
    expect((await tessera('admin svcacct info local sam-app-key-0001')).err).toMatch(/NoSuchEntity/);
    app.destroy();
    app2.destroy();
  });

  it('an expiry in the past is refused; a key past its expiry is refused by S3', async () => {
    const past = await tessera('admin svcacct add local sam --expiry 2001-01-01T00:00:00Z');
    expect(past).toMatchObject({ code: 1, err: expect.stringMatching(/^tessera: InvalidInput: .*future/) });
    const soon = new Date(Date.now() + 4000).toISOString();
    const key = await json(`admin svcacct add local sam --expiry ${soon}`);
    expect(Date.parse(key.expiration)).toBe(Date.parse(soon.replace(/\.\d{3}Z$/, 'Z')));
    const client = s3As(key.accessKey, key.secretKey);
    await until(client, 'public/a', REFUSED);
    expect(await json(`admin svcacct info local ${key.accessKey}`)).toMatchObject({
      status: 'Expired',
    });
    client.destroy();
  });

  it("root's own service accounts: USER = the alias's access key", async () => {
    const key = await json(`admin svcacct add local ${ROOT_USER}`);
    expect(key.parent).toBe('root');
    const listed = await json(`admin svcacct list local ${ROOT_USER}`);
    expect(listed.map((k: { accessKey: string }) => k.accessKey)).toContain(key.accessKey);
    expect(await json(`admin svcacct info local ${key.accessKey}`)).toMatchObject({ parent: 'root' });
    await ok(`admin svcacct remove local ${key.accessKey}`);
  });
});

describe('tessera admin user remove', () => {
  it('removes the user with its groups, policies and service accounts', async () => {
    await ok('admin group add local staff sam');
    await ok('admin user remove local sam');
    expect((await tessera('admin user info local sam')).err).toMatch(/NoSuchEntity/);
    expect((await json('admin group info local staff')).members).toEqual([]);
    const gone = s3As('sam', 'sam-secret-0001');
    await until(gone, 'public/a', REFUSED);
    gone.destroy();
  });
});
