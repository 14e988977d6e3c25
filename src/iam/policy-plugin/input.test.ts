import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/index.js';
import { principalContext } from '../principal-context.js';
import { minioConditions, pluginInput, s3Target } from './input.js';

/** MinIO's documented request body (test/fixtures/policy-plugin/README.md). */
const FIXTURE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../test/fixtures/policy-plugin/minio-input.json'), 'utf8'),
) as { input: Record<string, unknown> & { conditions: Record<string, string[]> } };

const ROOT: Principal = {
  kind: 'root',
  account: '',
  accessKey: 'minio',
  name: 'minio',
  arn: 'arn:aws:iam:::root',
  userId: 'minio',
};

describe('the access-management plugin input', () => {
  it("is MinIO's documented sample for the same question (mc ls of bucket test as root)", () => {
    const ua = 'MinIO (linux; amd64) minio-go/v7.0.24 mc/DEVELOPMENT.2022-04-20T23-07-53Z';
    // The condition keys Tessera has for that request (http/request-context.ts, the ListObjects operation).
    const context = {
      ...principalContext(ROOT, ''),
      'aws:SourceIp': '127.0.0.1',
      'aws:SecureTransport': 'false',
      'aws:CurrentTime': '2022-05-07T18:31:41Z',
      'aws:EpochTime': '1651948301',
      'aws:UserAgent': ua,
      'aws:Referer': '',
      's3:authType': 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
      's3:x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      's3:prefix': '',
      's3:delimiter': '/',
      's3:versionid': '',
    };
    const input = pluginInput(ROOT, 's3:ListBucket', 'arn:aws:s3:::test', context, false);
    const json = JSON.parse(JSON.stringify({ input })) as typeof FIXTURE;
    // The same keys in the same order, and the same values outside the conditions.
    expect(Object.keys(json.input)).toEqual(Object.keys(FIXTURE.input));
    const { conditions: ours, ...rest } = json.input;
    const { conditions: theirs, ...expected } = FIXTURE.input;
    expect(rest).toEqual(expected);
    // Every documented condition but two request headers, with MinIO's names and values: the
    // Authorization header is never sent, X-Amz-Date Tessera keeps in no condition key.
    const omitted = ['Authorization', 'X-Amz-Date'];
    for (const [k, v] of Object.entries(theirs)) {
      if (omitted.includes(k)) expect(ours[k], k).toBeUndefined();
      else expect(ours[k], k).toEqual(v);
    }
    // Besides: aws:PrincipalAccount and aws:PrincipalArn, which MinIO lacks.
    expect(
      Object.keys(ours)
        .filter((k) => !(k in theirs))
        .sort(),
    ).toEqual(['PrincipalAccount', 'PrincipalArn']);
  });

  it('names a user, its groups, a session’s parent and claims, and an object', () => {
    const alice: Principal = {
      kind: 'user',
      account: '',
      accessKey: 'AKIAEXAMPLE000000001',
      name: 'alice',
      arn: 'arn:aws:iam:::user/alice',
      userId: 'AIDA1',
      groups: ['dev'],
      tags: {},
    };
    const input = pluginInput(alice, 's3:GetObject', 'arn:aws:s3:::photos/2024/a b.jpg', {}, false);
    expect(input).toMatchObject({
      account: 'alice',
      groups: ['dev'],
      bucket: 'photos',
      object: '2024/a b.jpg',
      owner: false,
      claims: {},
      denyOnly: false,
    });
    const session: Principal = {
      ...alice,
      kind: 'session',
      accessKey: 'ASIAEXAMPLE000000001',
      parent: {
        kind: 'federated',
        account: '',
        source: 'plugin',
        issuer: 'arn:minio:iam:::role/idmp-x',
        subject: 'bob',
        name: 'bob',
        arn: 'arn:aws:sts:::assumed-role/idmp-x/bob',
        userId: 'custom:bob',
        policies: ['readonly'],
        groups: [],
        claims: { team: 'data' },
      },
      sessionId: 's1',
      expiresAt: 0,
      groups: [],
    };
    expect(pluginInput(session, 'iam:CreateUser', 'arn:aws:iam:::user/x', {}, true)).toMatchObject({
      account: 'ASIAEXAMPLE000000001',
      groups: null,
      bucket: '',
      object: '',
      claims: {
        team: 'data',
        parent: 'custom:bob',
        accessKey: 'ASIAEXAMPLE000000001',
        roleArn: 'arn:minio:iam:::role/idmp-x',
      },
      denyOnly: true,
    });
  });

  it('maps condition keys to MinIO’s names and S3 ARNs to bucket and object', () => {
    expect(
      minioConditions({
        'aws:username': 'a',
        'jwt:username': 'b',
        's3:max-keys': '10',
        's3:ExistingObjectTag/team': 'x',
        'aws:groups': ['g1', 'g2'],
      }),
    ).toEqual({ username: ['a'], 'Max-Keys': ['10'], 'ExistingObjectTag/team': ['x'], groups: ['g1', 'g2'] });
    expect(s3Target('arn:aws:s3:::*')).toEqual({ bucket: '', object: '' });
    expect(s3Target('arn:aws:s3:::b')).toEqual({ bucket: 'b', object: '' });
    expect(s3Target('arn:aws:iam:::user/x')).toEqual({ bucket: '', object: '' });
  });
});
