import { describe, expect, it } from 'vitest';
import { isTesseraError as isTesseraErrorLike } from '../core/index.js';
import { compilePolicy, contextFromEntries, parsePolicy, simulate } from './index.js';

const p = compilePolicy(
  parsePolicy({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' },
      {
        Sid: 'Lan',
        Effect: 'Deny',
        Action: 's3:Delete*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::home',
        Condition: {
          StringLike: { 's3:prefix': '${aws:username}/*' },
          NumericLessThan: { 's3:max-keys': '1000' },
        },
      },
    ],
  }),
  'p',
);

describe('simulate (SimulateCustomPolicy)', () => {
  it('answers every action × resource with matched statements and missing keys', () => {
    const r = simulate([p], {
      actions: ['s3:GetObject', 's3:DeleteObject'],
      resources: ['arn:aws:s3:::home/ann/x', 'arn:aws:s3:::home/bob/x'],
      context: [{ key: 'aws:username', type: 'string', values: ['ann'] }],
    });
    expect(r.map((x) => [x.action, x.resource, x.decision])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::home/ann/x', 'allowed'],
      ['s3:GetObject', 'arn:aws:s3:::home/bob/x', 'implicitDeny'],
      ['s3:DeleteObject', 'arn:aws:s3:::home/ann/x', 'explicitDeny'],
      ['s3:DeleteObject', 'arn:aws:s3:::home/bob/x', 'explicitDeny'],
    ]);
    expect(r[0]!.matchedStatements.map((s) => s.sid)).toEqual(['Home']);
    expect(r[2]!.missingContextKeys).toEqual(['aws:SourceIp']);
  });

  it('reports near misses and missing keys for conditions', () => {
    const [r] = simulate([p], {
      actions: ['s3:ListBucket'],
      resources: ['arn:aws:s3:::home'],
      context: [
        { key: 'aws:username', type: 'string', values: ['ann'] },
        { key: 's3:prefix', type: 'string', values: ['ann/docs'] },
      ],
    });
    expect(r!.decision).toBe('implicitDeny');
    expect(r!.missingContextKeys).toEqual(['s3:max-keys']);
    expect(r!.nearMisses[0]).toMatchObject({ operator: 'NumericLessThan', missing: true });
  });

  it('defaults resources to *', () => {
    expect(simulate([p], { actions: ['s3:ListAllMyBuckets'] })[0]!.resource).toBe('*');
  });

  it('checks context entries against their types', () => {
    const ctx = contextFromEntries([
      { key: 'aws:TagKeys', type: 'stringList', values: ['a', 'b'] },
      { key: 's3:max-keys', type: 'numeric', values: ['5'] },
      { key: 'aws:SecureTransport', type: 'boolean', values: ['true'] },
      { key: 'aws:SourceIp', type: 'ip', values: ['2001:db8::1'] },
      { key: 'aws:CurrentTime', type: 'date', values: ['2026-11-22T00:00:00Z'] },
      { key: 's3:x-amz-content-sha256', type: 'binary', values: ['QmluYXJ5'] },
    ]);
    expect(ctx.get('aws:tagkeys')).toEqual(['a', 'b']);
    for (const bad of [
      { key: 'k', type: 'numeric', values: ['x'] },
      { key: 'k', type: 'ip', values: ['300.1.1.1'] },
      { key: 'k', type: 'string', values: ['a', 'b'] },
      { key: 'k', type: 'dateList', values: ['never'] },
      { key: 'k', type: 'float', values: ['1'] },
    ] as const) {
      expect(() => contextFromEntries([bad as never])).toThrow();
      try {
        contextFromEntries([bad as never]);
      } catch (e) {
        expect(isTesseraErrorLike(e)).toBe(true);
      }
    }
  });
});
