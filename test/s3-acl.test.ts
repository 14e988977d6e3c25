import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketOwnershipControlsCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson } from './helpers/aws-cli.js';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/** The default account's canonical id and display name (src/cli/compose.ts). */
const OWNER_ID = '02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const OWNER_GRANT =
  `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${OWNER_ID}</ID><DisplayName>tessera</DisplayName></Grantee>` +
  '<Permission>FULL_CONTROL</Permission></Grant>';
const PUBLIC_READ_GRANT = `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>`;

function aclXml(...grants: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner><ID>${OWNER_ID}</ID><DisplayName>tessera</DisplayName></Owner>` +
    `<AccessControlList>${grants.join('')}</AccessControlList></AccessControlPolicy>`
  );
}

let server: RunningServer;
let s3: S3Client;
const auditDir = mkdtempSync(join(tmpdir(), 'tessera-acl-audit-'));

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)),
  );
}

async function anonymous(path: string): Promise<{ status: number; requestId: string }> {
  const res = await fetch(`${server.endpoint}${path}`);
  await res.text();
  return { status: res.status, requestId: res.headers.get('x-amz-request-id') ?? '' };
}

async function auditEntry(requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    for (const f of readdirSync(auditDir).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(auditDir, f), 'utf8').split('\n')) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        if (e['requestID'] === requestId) return e;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit entry for ${requestId}`);
}

async function rawAcl(path: string): Promise<{ status: number; body: string }> {
  return rawRequest(server.port, { method: 'GET', path, query: { acl: '' } });
}

beforeAll(async () => {
  server = await startServer({ workers: 1, env: { TESSERA_AUDIT_FILE: auditDir } });
  s3 = s3Client(server);
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  rmSync(auditDir, { recursive: true, force: true });
});

describe('Object Ownership', () => {
  it('new buckets get BucketOwnerEnforced; the header chooses another; delete leaves none', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'enforced' }));
    const got = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'enforced' }));
    expect(got.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    await s3.send(new CreateBucketCommand({ Bucket: 'preferred', ObjectOwnership: 'BucketOwnerPreferred' }));
    const preferred = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'preferred' }));
    expect(preferred.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerPreferred' }]);
    await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'preferred' }));
    expect(await code(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'preferred' })))).toBe(
      'OwnershipControlsNotFoundError',
    );
    // Without ownership controls (as buckets made before them) ACLs are enabled: ObjectWriter.
    await s3.send(new PutObjectCommand({ Bucket: 'preferred', Key: 'old', Body: 'x', ACL: 'public-read' }));
    expect((await anonymous('/preferred/old')).status).toBe(200);
    expect(await code(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'missing' })))).toBe(
      'NoSuchBucket',
    );
    // Content-MD5 or a checksum is required, and the document must hold one known rule.
    const doc = (o: string) =>
      `<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>${o}</ObjectOwnership></Rule></OwnershipControls>`;
    const putRaw = (body: string, md5: boolean) =>
      rawRequest(server.port, {
        method: 'PUT',
        path: '/preferred',
        query: { ownershipControls: '' },
        headers: md5 ? { 'content-md5': createHash('md5').update(body).digest('base64') } : {},
        body,
      });
    const unsummed = await putRaw(doc('ObjectWriter'), false);
    expect([unsummed.status, errorCode(unsummed)]).toEqual([400, 'InvalidRequest']);
    const unknown = await putRaw(doc('Everybody'), true);
    expect([unknown.status, errorCode(unknown)]).toEqual([400, 'MalformedXML']);
    expect((await putRaw(doc('ObjectWriter'), true)).status).toBe(200);
    const reread = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'preferred' }));
    expect(reread.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'ObjectWriter' }]);
    const bad = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad-ownership',
      headers: { 'x-amz-object-ownership': 'Nobody' },
    });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'InvalidArgument']);
  });

  it('the aws CLI sets and reads ownership controls', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-owned' }));
    await awsCli(server.endpoint, [
      's3api',
      'put-bucket-ownership-controls',
      '--bucket',
      'cli-owned',
      '--ownership-controls',
      'Rules=[{ObjectOwnership=ObjectWriter}]',
    ]);
    const out = await awsCliJson(server.endpoint, [
      's3api',
      'get-bucket-ownership-controls',
      '--bucket',
      'cli-owned',
    ]);
    expect(out).toEqual({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });
  });
});

describe('ACLs disabled (BucketOwnerEnforced)', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'no-acls' }));
    await s3.send(new PutObjectCommand({ Bucket: 'no-acls', Key: 'k', Body: 'data' }));
  });

  it('refuses ACLs other than the bucket owner’s full control with AccessControlListNotSupported', async () => {
    const put = (ACL: 'public-read' | 'bucket-owner-full-control' | 'private' | 'authenticated-read') =>
      code(s3.send(new PutObjectCommand({ Bucket: 'no-acls', Key: `k-${ACL}`, Body: 'x', ACL })));
    expect(await put('public-read')).toBe('AccessControlListNotSupported');
    expect(await put('authenticated-read')).toBe('AccessControlListNotSupported');
    expect(await put('bucket-owner-full-control')).toBeUndefined();
    expect(await put('private')).toBeUndefined();
    expect(await code(s3.send(new PutBucketAclCommand({ Bucket: 'no-acls', ACL: 'public-read' })))).toBe(
      'AccessControlListNotSupported',
    );
    expect(
      await code(
        s3.send(new PutObjectAclCommand({ Bucket: 'no-acls', Key: 'k', GrantRead: `uri="${ALL_USERS}"` })),
      ),
    ).toBe('AccessControlListNotSupported');
    const raw = await rawRequest(server.port, {
      method: 'PUT',
      path: '/no-acls/raw',
      headers: { 'x-amz-acl': 'public-read' },
      body: 'x',
    });
    expect(raw.status).toBe(400);
    expect(raw.body).toContain('<Message>The bucket does not allow ACLs</Message>');
  });

  it('Get*Acl still answers: the bucket owner’s full control, exactly as S3 renders it', async () => {
    expect(await rawAcl('/no-acls')).toMatchObject({ status: 200, body: aclXml(OWNER_GRANT) });
    expect(await rawAcl('/no-acls/k')).toMatchObject({ status: 200, body: aclXml(OWNER_GRANT) });
    const sdk = await s3.send(new GetObjectAclCommand({ Bucket: 'no-acls', Key: 'k' }));
    expect(sdk.Owner).toEqual({ ID: OWNER_ID, DisplayName: 'tessera' });
    expect(sdk.Grants).toEqual([
      {
        Grantee: { Type: 'CanonicalUser', ID: OWNER_ID, DisplayName: 'tessera' },
        Permission: 'FULL_CONTROL',
      },
    ]);
  });

  it('a bucket ACL granting others is refused at CreateBucket with InvalidBucketAclWithObjectOwnership', async () => {
    expect(
      await code(s3.send(new CreateBucketCommand({ Bucket: 'enforced-public', ACL: 'public-read' }))),
    ).toBe('InvalidBucketAclWithObjectOwnership');
    expect(
      await code(s3.send(new CreateBucketCommand({ Bucket: 'enforced-private', ACL: 'private' }))),
    ).toBeUndefined();
  });
});

describe('ACLs enabled (ObjectWriter)', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acls', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'acls', Key: 'public.txt', Body: 'hello', ACL: 'public-read' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'acls', Key: 'private.txt', Body: 'secret' }));
  });

  it('a public-read object is readable anonymously; a private one is not; the decision names the grant', async () => {
    const ok = await anonymous('/acls/public.txt');
    expect(ok.status).toBe(200);
    expect((await anonymous('/acls/private.txt')).status).toBe(403);
    expect((await anonymous('/acls?list-type=2')).status).toBe(403);
    const entry = await auditEntry(ok.requestId);
    expect(entry['authz']).toMatchObject({
      decision: 'allow',
      reason: 'acl',
      statements: [
        { policy: 'acl:arn:aws:s3:::acls/public.txt', index: 1, sid: 'AllUsers READ', effect: 'Allow' },
      ],
    });
    expect(await rawAcl('/acls/public.txt')).toMatchObject({
      status: 200,
      body: aclXml(OWNER_GRANT, PUBLIC_READ_GRANT),
    });
  });

  it('the aws CLI: put-bucket-acl --acl public-read lets anonymous callers list; get-object-acl shows the grants', async () => {
    await awsCli(server.endpoint, ['s3api', 'put-bucket-acl', '--bucket', 'acls', '--acl', 'public-read']);
    const bucketAcl = await awsCliJson(server.endpoint, ['s3api', 'get-bucket-acl', '--bucket', 'acls']);
    expect(bucketAcl['Grants']).toEqual([
      {
        Grantee: { DisplayName: 'tessera', ID: OWNER_ID, Type: 'CanonicalUser' },
        Permission: 'FULL_CONTROL',
      },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
    ]);
    expect((await anonymous('/acls?list-type=2')).status).toBe(200);
    const objectAcl = await awsCliJson(server.endpoint, [
      's3api',
      'get-object-acl',
      '--bucket',
      'acls',
      '--key',
      'public.txt',
    ]);
    expect(objectAcl).toEqual({
      Owner: { DisplayName: 'tessera', ID: OWNER_ID },
      Grants: [
        {
          Grantee: { DisplayName: 'tessera', ID: OWNER_ID, Type: 'CanonicalUser' },
          Permission: 'FULL_CONTROL',
        },
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
      ],
    });
    // Back to private: anonymous callers list nothing.
    await awsCli(server.endpoint, ['s3api', 'put-bucket-acl', '--bucket', 'acls', '--acl', 'private']);
    expect((await anonymous('/acls?list-type=2')).status).toBe(403);
  });

  it('a bucket READ grant answers a missing key 404; WRITE lets DeleteObjects delete each key', async () => {
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'acl-rw',
        ObjectOwnership: 'ObjectWriter',
        ACL: 'public-read-write',
      }),
    );
    for (const Key of ['a', 'b']) await s3.send(new PutObjectCommand({ Bucket: 'acl-rw', Key, Body: Key }));
    // S3: a caller that may list the bucket (here by its READ grant) learns a key is missing (404);
    // one that may not gets 403 (the 'acls' bucket's ACL is private).
    const missing = await fetch(`${server.endpoint}/acl-rw/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');
    expect((await fetch(`${server.endpoint}/acl-rw/missing`, { method: 'HEAD' })).status).toBe(404);
    expect((await anonymous('/acls/missing')).status).toBe(403);
    const body = '<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>';
    const res = await fetch(`${server.endpoint}/acl-rw?delete`, {
      method: 'POST',
      body,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain('<Error>');
    expect(text.match(/<Deleted>/g)?.length).toBe(2);
    expect(await code(s3.send(new GetObjectCommand({ Bucket: 'acl-rw', Key: 'a' })))).toBe('NoSuchKey');
  });

  it('an explicit Deny in the bucket policy beats a public-read ACL', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'acls', Key: 'denied/x', Body: 'x', ACL: 'public-read' }));
    expect((await anonymous('/acls/denied/x')).status).toBe(200);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'acls',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::acls/denied/*',
            },
          ],
        }),
      }),
    );
    expect((await anonymous('/acls/denied/x')).status).toBe(403);
    expect((await anonymous('/acls/public.txt')).status).toBe(200);
  });

  it('PutObjectAcl with an AccessControlPolicy body, per version', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-versions', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'acl-versions',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'acl-versions', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-versions', Key: 'k', Body: 'two' }));
    await s3.send(
      new PutObjectAclCommand({
        Bucket: 'acl-versions',
        Key: 'k',
        VersionId: v1.VersionId!,
        AccessControlPolicy: {
          Owner: { ID: OWNER_ID },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: OWNER_ID }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
          ],
        },
      }),
    );
    const old = await s3.send(
      new GetObjectAclCommand({ Bucket: 'acl-versions', Key: 'k', VersionId: v1.VersionId! }),
    );
    expect(old.Grants?.map((g) => g.Permission)).toEqual(['FULL_CONTROL', 'READ']);
    const current = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-versions', Key: 'k' }));
    expect(current.Grants?.map((g) => g.Permission)).toEqual(['FULL_CONTROL']);
    expect((await anonymous(`/acl-versions/k?versionId=${v1.VersionId}`)).status).toBe(200);
    expect((await anonymous('/acl-versions/k')).status).toBe(403);
  });

  it('multipart uploads and copies take the ACL of their own request, never the source’s', async () => {
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'acls', Key: 'mp', ACL: 'public-read' }),
    );
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: 'acls',
        Key: 'mp',
        UploadId: created.UploadId!,
        PartNumber: 1,
        Body: 'part',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'acls',
        Key: 'mp',
        UploadId: created.UploadId!,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }),
    );
    expect((await anonymous('/acls/mp')).status).toBe(200);
    await s3.send(
      new CopyObjectCommand({ Bucket: 'acls', Key: 'copy-plain', CopySource: 'acls/public.txt' }),
    );
    expect((await anonymous('/acls/copy-plain')).status).toBe(403);
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'acls',
        Key: 'copy-public',
        CopySource: 'acls/private.txt',
        ACL: 'public-read',
      }),
    );
    expect((await anonymous('/acls/copy-public')).status).toBe(200);
  });

  it('an IAM user needs s3:PutObjectAcl to write with an ACL; AllUsers grants apply to it too', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await iam.send(new CreateUserCommand({ UserName: 'writer' }));
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'writer-put',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acls/by-writer/*' }],
        }),
      }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: 'writer', PolicyArn: policy.Policy!.Arn! }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'writer' }));
    iam.destroy();
    const writer = s3Client(server, {
      credentials: {
        accessKeyId: key.AccessKey!.AccessKeyId!,
        secretAccessKey: key.AccessKey!.SecretAccessKey!,
      },
      maxAttempts: 1,
    });
    const put = (Key: string, ACL?: 'public-read') =>
      code(writer.send(new PutObjectCommand({ Bucket: 'acls', Key, Body: 'x', ...(ACL ? { ACL } : {}) })));
    expect(await put('by-writer/plain')).toBeUndefined();
    expect(await put('by-writer/public', 'public-read')).toBe('AccessDenied');
    // No s3:GetObject in its policies: the public-read grant lets it read, the private object stays closed.
    expect(await code(writer.send(new GetObjectAclCommand({ Bucket: 'acls', Key: 'public.txt' })))).toBe(
      'AccessDenied',
    );
    const read = (Key: string) =>
      writer.send(new GetObjectCommand({ Bucket: 'acls', Key })).then(
        async (r) => (await r.Body!.transformToString()) as string | undefined,
        (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)),
      );
    expect(await read('public.txt')).toBe('hello');
    expect(await read('private.txt')).toBe('AccessDenied');
    writer.destroy();
  });

  it('refuses a canned ACL with grant headers, unknown e-mail grantees and malformed ACL documents', async () => {
    const both = await rawRequest(server.port, {
      method: 'PUT',
      path: '/acls/both',
      headers: { 'x-amz-acl': 'private', 'x-amz-grant-read': `uri="${ALL_USERS}"` },
      body: 'x',
    });
    expect([both.status, errorCode(both)]).toEqual([400, 'InvalidRequest']);
    expect(both.body).toContain('Specifying both Canned ACLs and Header Grants is not allowed');
    expect(
      await code(
        s3.send(
          new PutObjectAclCommand({
            Bucket: 'acls',
            Key: 'public.txt',
            GrantRead: 'emailAddress="a@b.example"',
          }),
        ),
      ),
    ).toBe('UnresolvableGrantByEmailAddress');
    const malformed = await rawRequest(server.port, {
      method: 'PUT',
      path: '/acls',
      query: { acl: '' },
      body: '<AccessControlPolicy><AccessControlList><Grant><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>',
    });
    expect([malformed.status, errorCode(malformed)]).toEqual([400, 'MalformedACLError']);
    const badCanned = await rawRequest(server.port, {
      method: 'PUT',
      path: '/acls/bad',
      headers: { 'x-amz-acl': 'everyone' },
      body: 'x',
    });
    expect([badCanned.status, errorCode(badCanned)]).toEqual([400, 'InvalidArgument']);
  });

  it('BucketOwnerEnforced cannot be set while the bucket ACL grants others; once set, object ACLs no longer count', async () => {
    await s3.send(
      new CreateBucketCommand({ Bucket: 'switch', ObjectOwnership: 'ObjectWriter', ACL: 'public-read' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'switch', Key: 'k', Body: 'x', ACL: 'public-read' }));
    expect((await anonymous('/switch/k')).status).toBe(200);
    const enforce = () =>
      s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: 'switch',
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        }),
      );
    expect(await code(enforce())).toBe('InvalidBucketAclWithObjectOwnership');
    const before = await s3.send(new GetBucketAclCommand({ Bucket: 'switch' }));
    expect(before.Grants?.map((g) => [g.Grantee?.URI ?? g.Grantee?.ID, g.Permission])).toEqual([
      [OWNER_ID, 'FULL_CONTROL'],
      [ALL_USERS, 'READ'],
    ]);
    await s3.send(new PutBucketAclCommand({ Bucket: 'switch', ACL: 'private' }));
    await enforce();
    expect((await anonymous('/switch/k')).status).toBe(403);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'switch', Key: 'k' }));
    expect(acl.Grants).toHaveLength(1);
    // ACLs enabled again: the object's ACL is back ("your preexisting bucket and object ACLs are restored").
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: 'switch',
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    expect((await anonymous('/switch/k')).status).toBe(200);
  });

  it('the public access block: IgnorePublicAcls ignores public grants, BlockPublicAcls refuses setting them', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'blocked', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutObjectCommand({ Bucket: 'blocked', Key: 'k', Body: 'x', ACL: 'public-read' }));
    expect((await anonymous('/blocked/k')).status).toBe(200);
    const block = (BlockPublicAcls: boolean, IgnorePublicAcls: boolean) =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: 'blocked',
          PublicAccessBlockConfiguration: {
            BlockPublicAcls,
            IgnorePublicAcls,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: false,
          },
        }),
      );
    await block(false, true);
    expect((await anonymous('/blocked/k')).status).toBe(403);
    await block(true, false);
    expect((await anonymous('/blocked/k')).status).toBe(200);
    expect(
      await code(
        s3.send(new PutObjectCommand({ Bucket: 'blocked', Key: 'k2', Body: 'x', ACL: 'public-read' })),
      ),
    ).toBe('AccessDenied');
    expect(
      await code(s3.send(new PutBucketAclCommand({ Bucket: 'blocked', ACL: 'public-read-write' }))),
    ).toBe('AccessDenied');
    expect(
      await code(s3.send(new PutObjectAclCommand({ Bucket: 'blocked', Key: 'k', ACL: 'private' }))),
    ).toBeUndefined();
  });
});

describe('TESSERA_DEFAULT_OBJECT_OWNERSHIP=ObjectWriter', () => {
  let other: RunningServer;
  let client: S3Client;
  beforeAll(async () => {
    other = await startServer({ workers: 1, env: { TESSERA_DEFAULT_OBJECT_OWNERSHIP: 'ObjectWriter' } });
    client = s3Client(other);
  });
  afterAll(async () => {
    client?.destroy();
    await other?.stop();
  });

  it('new buckets have ACLs enabled: a public-read object is readable anonymously', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'writer' }));
    const got = await client.send(new GetBucketOwnershipControlsCommand({ Bucket: 'writer' }));
    expect(got.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'ObjectWriter' }]);
    await client.send(new PutObjectCommand({ Bucket: 'writer', Key: 'k', Body: 'x', ACL: 'public-read' }));
    expect((await fetch(`${other.endpoint}/writer/k`)).status).toBe(200);
    // The header still chooses: this one has ACLs disabled.
    await client.send(
      new CreateBucketCommand({ Bucket: 'enforced', ObjectOwnership: 'BucketOwnerEnforced' }),
    );
    expect(
      await code(
        client.send(new PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'public-read' })),
      ),
    ).toBe('AccessControlListNotSupported');
  });
});
