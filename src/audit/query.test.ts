import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditFilter, queryFiles } from './query.js';
import { CONTRACT_KEY, sampleEvent } from './targets/contract.js';
import { FileTarget } from './targets/file.js';

let file: string;

beforeAll(async () => {
  const t = new FileTarget({
    path: mkdtempSync(join(tmpdir(), 'tessera-query-')),
    node: 'n',
    stream: 's',
    key: CONTRACT_KEY,
    checkpointEvery: 3,
  });
  t.write(sampleEvent({ requestId: 'A', time: '2026-01-01T00:00:00.000Z' }));
  t.write(
    sampleEvent({
      requestId: 'B',
      time: '2026-02-01T00:00:00.000Z',
      api: 'PutObject',
      key: 'docs/x.txt',
      status: 403,
      errorCode: 'AccessDenied',
      authz: {
        decision: 'deny',
        reason: 'explicitDeny',
        statements: [{ policy: 'no-writes', index: 1, sid: 'NoWrites', effect: 'Deny' }],
        actions: ['s3:PutObject'],
      },
    }),
  );
  t.write(
    sampleEvent({
      requestId: 'C',
      time: '2026-03-01T00:00:00.000Z',
      bucket: 'other',
      auth: {
        kind: 'sigv4-header',
        accessKey: 'nobody',
        error: 'InvalidAccessKeyId',
        failure: 'unknown-key',
      },
      authz: { decision: 'none' },
      status: 403,
    }),
  );
  t.write(
    sampleEvent({
      requestId: 'D',
      auth: { kind: 'anonymous', principalType: 'anonymous' },
      authz: { decision: 'deny', reason: 'implicitDeny' },
      status: 403,
    }),
  );
  await t.close();
  file = t.activePath;
});

async function ids(filter: AuditFilter): Promise<string[]> {
  const out: string[] = [];
  for await (const e of queryFiles([file], filter)) out.push(e.requestID);
  return out;
}

describe('queryFiles', () => {
  it('filters by principal, action, bucket, prefix, decision, reason and time', async () => {
    expect(await ids({})).toEqual(['A', 'B', 'C', 'D']);
    expect(await ids({ principal: 'alice' })).toEqual(['A', 'B']);
    expect(await ids({ principal: 'user/alice' })).toEqual(['A', 'B']);
    expect(await ids({ accessKey: 'nobody' })).toEqual(['C']);
    expect(await ids({ action: 'putobject' })).toEqual(['B']);
    expect(await ids({ action: 's3:GetObject' })).toEqual(['A']);
    expect(await ids({ bucket: 'other' })).toEqual(['C']);
    expect(await ids({ objectPrefix: 'docs/' })).toEqual(['B']);
    expect(await ids({ decision: 'deny' })).toEqual(['B', 'D']);
    expect(await ids({ reason: 'explicitDeny' })).toEqual(['B']);
    expect(await ids({ reason: 'unknown-key' })).toEqual(['C']);
    expect(await ids({ reason: 'anonymous-denied' })).toEqual(['D']);
    expect(await ids({ since: '2026-01-15T00:00:00Z', until: '2026-02-15T00:00:00Z' })).toEqual(['B']);
  });

  it('rejects a time that is not ISO', async () => {
    await expect(ids({ since: 'yesterday' })).rejects.toThrow(/ISO/);
  });
});
