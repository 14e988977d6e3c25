import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamQuery, xmlValue } from './helpers/iam.js';
import { ROOT_PASSWORD, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ workers: 1, env: { TESSERA_LOG_REQUESTS: 'on' } });
});
afterAll(async () => {
  await server?.stop();
});

interface Event {
  version: number;
  requestId: string;
  api: string;
  bucket?: string;
  key?: string;
  status: number;
  errorCode?: string;
  auth: { kind?: string; accessKey?: string; principalType?: string; error?: string };
  authz: { decision: string };
  timings: { totalMs: number };
}

function events(): Event[] {
  return server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{"version":1'))
    .map((l) => JSON.parse(l) as Event);
}

describe('the request event', () => {
  it('ends every request with one structured event: who, what, outcome, timings — and no secret', async () => {
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'events' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'k', Body: 'v' }));
    const anonymous = await fetch(`${server.endpoint}/events/k`);
    const requestId = anonymous.headers.get('x-amz-request-id');
    await anonymous.text();
    s3.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const all = events();
    const putEvent = all.find((e) => e.requestId === put.$metadata.requestId);
    expect(putEvent).toMatchObject({
      api: 'PutObject',
      bucket: 'events',
      key: 'k',
      status: 200,
      authz: { decision: 'allow' },
    });
    expect(putEvent?.auth.kind).toMatch(/^sigv4/);
    expect(putEvent?.auth.principalType).toBe('root');
    expect(putEvent?.timings.totalMs).toBeGreaterThan(0);
    const denied = all.find((e) => e.requestId === requestId);
    expect(denied).toMatchObject({
      api: 'GetObject',
      status: 403,
      errorCode: 'AccessDenied',
      auth: { kind: 'anonymous' },
      authz: { decision: 'deny' },
    });
    expect(server.output()).not.toContain(ROOT_PASSWORD);
  });
});

describe('the request event of a denied request', () => {
  it('carries the decision: its reason and the statement that decided it', async () => {
    await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'evt' });
    const created = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'evt' });
    await iamQuery(server.endpoint, {
      Action: 'PutUserPolicy',
      UserName: 'evt',
      PolicyName: 'no-reads',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Sid: 'NoReads', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::events/*' },
        ],
      }),
    });
    const s3 = s3Client(server, {
      credentials: {
        accessKeyId: xmlValue(created, 'AccessKeyId')!,
        secretAccessKey: xmlValue(created, 'SecretAccessKey')!,
      },
      maxAttempts: 1,
    });
    const requestId = await s3.send(new GetObjectCommand({ Bucket: 'events', Key: 'k' })).then(
      () => 'allowed',
      (e: { $metadata?: { requestId?: string } }) => e.$metadata?.requestId,
    );
    s3.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const event = events().find((e) => e.requestId === requestId) as unknown as {
      authz: {
        decision: string;
        reason: string;
        statements: { policy: string; sid?: string; effect: string }[];
      };
      errorCode: string;
    };
    expect(event).toMatchObject({
      errorCode: 'AccessDenied',
      authz: {
        decision: 'deny',
        reason: 'explicitDeny',
        statements: [{ policy: expect.stringContaining('no-reads'), sid: 'NoReads', effect: 'Deny' }],
      },
    });
  });
});
