import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goDuration, toAuditEntry } from './entry.js';
import {
  authFailureReason,
  claimedAccessKey,
  principalFacts,
  selectQuery,
  selectRawQuery,
  selectRequestHeaders,
} from './facts.js';
import { sampleEvent } from './targets/contract.js';

const ctx = { node: 'host-1' };

describe('the audit entry', () => {
  it('maps a request event to MinIO field names plus auth and authz', () => {
    const e = toAuditEntry(sampleEvent({ versionId: 'v1', errorCode: 'NoSuchKey', status: 404 }), ctx);
    expect(e).toMatchObject({
      version: '1',
      time: '2026-12-01T12:00:00.000Z',
      node: 'host-1',
      trigger: 'incoming',
      api: {
        name: 'GetObject',
        bucket: 'photos',
        object: 'a.jpg',
        versionId: 'v1',
        status: 'Not Found',
        statusCode: 404,
        errorCode: 'NoSuchKey',
        rx: 0,
        tx: 3,
        timeToResponse: '1.5ms',
        timeToResponseInNS: '1500000',
      },
      remotehost: '127.0.0.1',
      requestID: 'REQ1',
      userAgent: 'test',
      requestPath: '/photos/a.jpg',
      requestQuery: {},
      responseHeader: { 'content-length': '3' },
      accessKey: 'alice',
      error: 'NoSuchKey',
      auth: {
        kind: 'sigv4-header',
        principalType: 'user',
        principalArn: 'arn:aws:iam:::user/alice',
        outcome: 'success',
      },
      authz: { decision: 'allow', reason: 'allowed', actions: ['s3:GetObject'] },
    });
    expect(e.deploymentid).toBeUndefined();
  });

  it('says why authentication failed, and by how much the clock was off', () => {
    const e = toAuditEntry(
      sampleEvent({
        time: '2026-12-01T12:00:00.000Z',
        request: { method: 'GET', path: '/', query: {}, headers: { 'x-amz-date': '20261201T113000Z' } },
        auth: {
          kind: undefined as never,
          accessKey: 'alice',
          error: 'RequestTimeTooSkewed',
          failure: 'clock-skew',
        },
        authz: { decision: 'none' },
      }),
      ctx,
    );
    expect(e.auth).toMatchObject({ outcome: 'failure', failureReason: 'clock-skew', skewMs: -30 * 60_000 });
  });

  it('names anonymous denials as such', () => {
    const e = toAuditEntry(
      sampleEvent({
        auth: { kind: 'anonymous', principalType: 'anonymous' },
        authz: { decision: 'deny', reason: 'implicitDeny' },
      }),
      ctx,
    );
    expect(e.auth.outcome).toBe('anonymous');
    expect(e.authz.reason).toBe('anonymous-denied');
  });

  it('is redacted whatever the event carried', () => {
    const e = toAuditEntry(
      sampleEvent({
        request: {
          method: 'GET',
          path: '/',
          query: { 'X-Amz-Signature': 'abc123abc123' },
          headers: { cookie: 'session=1' },
        },
      }),
      ctx,
    );
    expect(e.requestQuery['X-Amz-Signature']).toBe('REDACTED');
    expect(e.requestHeader.cookie).toBe('REDACTED');
  });

  it('carries the deployment id, the time to first byte and what an administrative call changed', () => {
    const e = toAuditEntry(
      sampleEvent({
        deploymentId: '2c275eed-a264-495f-b7b8-c158326fd4a3',
        timings: { totalMs: 1.5, firstByteMs: 1.25 },
        change: {
          action: 'PutUserPolicy',
          target: { type: 'user', name: 'alice' },
          parameters: { PolicyName: 'p', PolicyDocument: { sha256: 'ab', size: 2 }, SecretAccessKey: 'x' },
          after: { inlinePolicies: [{ name: 'p', sha256: 'ab', size: 2 }] },
        },
      }),
      ctx,
    );
    expect(e.deploymentid).toBe('2c275eed-a264-495f-b7b8-c158326fd4a3');
    expect(e.api).toMatchObject({ timeToFirstByte: '1.25ms', timeToFirstByteInNS: '1250000' });
    expect(e.change).toMatchObject({
      action: 'PutUserPolicy',
      target: { type: 'user', name: 'alice' },
      parameters: { PolicyName: 'p', PolicyDocument: { sha256: 'ab', size: 2 }, SecretAccessKey: 'REDACTED' },
      after: { inlinePolicies: [{ name: 'p' }] },
    });
    // The target's context wins (a target configured with its own deployment id).
    expect(toAuditEntry(sampleEvent({ deploymentId: 'a' }), { ...ctx, deploymentId: 'b' }).deploymentid).toBe(
      'b',
    );
  });

  it('writes Go durations', () => {
    expect(goDuration(0.25)).toBe('250µs');
    expect(goDuration(12.5)).toBe('12.5ms');
    expect(goDuration(2500)).toBe('2.5s');
    expect(goDuration(0)).toBe('0µs');
    expect(goDuration(1)).toBe('1ms');
    expect(goDuration(15.304919)).toBe('15.304919ms');
    expect(goDuration(0.0105)).toBe('10.5µs');
    expect(goDuration(1000.0000004)).toBe('1s');
    expect(goDuration(61_000.25)).toBe('61.00025s');
    // Every duration reads back as its value, to the unit's last digit (µs for seconds, ns else).
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (ms) => {
        const m = /^(\d+(?:\.\d+)?)(s|ms|µs)$/.exec(goDuration(ms));
        expect(m).not.toBeNull();
        const back = Number(m![1]) * (m![2] === 's' ? 1000 : m![2] === 'ms' ? 1 : 0.001);
        expect(m![1]).not.toMatch(/\.\d*0$/);
        expect(Math.abs(back - ms)).toBeLessThanOrEqual((ms >= 1000 ? 0.0005 : 0.0000005) + ms * 1e-12);
      }),
    );
  });
});

describe('the facts the http layer gathers', () => {
  it('selects and redacts headers and the query', () => {
    const h = selectRequestHeaders({
      host: 'h',
      authorization: 'AWS AK:c2lnbmF0dXJl',
      'x-amz-security-token': 'tok',
      'x-amz-date': '20260101T000000Z',
      accept: 'x',
    });
    expect(h.toRecord()).toEqual({
      host: 'h',
      authorization: 'AWS AK:REDACTED',
      'x-amz-security-token': 'REDACTED',
      'x-amz-date': '20260101T000000Z',
    });
    expect(selectQuery(new URLSearchParams('prefix=a&X-Amz-Signature=ff&tag=1&tag=2')).toRecord()).toEqual({
      prefix: 'a',
      'X-Amz-Signature': 'REDACTED',
      tag: '1,2',
    });
    // Names an object inherits are fields like any other (never joined to the inherited value).
    const odd = selectQuery(new URLSearchParams('constructor=a&toString=b&__proto__=c&hasOwnProperty=d'));
    expect(JSON.parse(JSON.stringify(odd))).toEqual(
      JSON.parse('{"constructor":"a","toString":"b","__proto__":"c","hasOwnProperty":"d"}'),
    );
  });

  it('selects a query sent again as the list made the first time, and a different one afresh', () => {
    const raw = 'X-Amz-Signature=ff&prefix=a';
    const a = selectRawQuery(raw, new URLSearchParams(raw));
    expect(selectRawQuery(raw, new URLSearchParams(raw))).toBe(a);
    const b = selectRawQuery('prefix=b', new URLSearchParams('prefix=b'));
    expect(b.toRecord()).toEqual({ prefix: 'b' });
    expect(a.toRecord()).toEqual({ 'X-Amz-Signature': 'REDACTED', prefix: 'a' });
  });

  it('reads the access key a failed request claimed', () => {
    const q = new URLSearchParams();
    expect(
      claimedAccessKey(
        { authorization: 'AWS4-HMAC-SHA256 Credential=AK1/20260101/us-east-1/s3/aws4_request, …' },
        q,
      ),
    ).toBe('AK1');
    expect(claimedAccessKey({ authorization: 'AWS AK2:sig' }, q)).toBe('AK2');
    expect(
      claimedAccessKey(
        {},
        new URLSearchParams('X-Amz-Credential=AK3%2F20260101%2Fus-east-1%2Fs3%2Faws4_request'),
      ),
    ).toBe('AK3');
    expect(claimedAccessKey({}, new URLSearchParams('AWSAccessKeyId=AK4'))).toBe('AK4');
    expect(claimedAccessKey({}, q)).toBeUndefined();
  });

  it('classifies authentication failures', () => {
    expect(authFailureReason('InvalidAccessKeyId')).toBe('unknown-key');
    expect(authFailureReason('SignatureDoesNotMatch')).toBe('bad-signature');
    expect(authFailureReason('AccessDenied', 'Request has expired')).toBe('expired');
    expect(authFailureReason('RequestTimeTooSkewed')).toBe('clock-skew');
    expect(authFailureReason('ExpiredToken')).toBe('expired-token');
  });

  it('describes principals', () => {
    expect(principalFacts(undefined)).toEqual({ principalType: 'anonymous' });
    expect(
      principalFacts({
        kind: 'user',
        name: 'u',
        groups: ['g'],
        tags: {},
        account: '',
        accessKey: 'u',
        arn: 'arn:aws:iam:::user/u',
        userId: 'x',
      }),
    ).toEqual({
      principalType: 'user',
      principalArn: 'arn:aws:iam:::user/u',
      account: '',
      groups: ['g'],
      identitySource: 'builtin',
    });
  });
});
