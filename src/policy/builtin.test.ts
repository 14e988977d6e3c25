import { describe, expect, it } from 'vitest';
import {
  actionInfo,
  builtinNames,
  compiledBuiltin,
  evaluate,
  expandActionPattern,
  isBuiltinName,
  knownActions,
  serializePolicy,
} from './index.js';

const allow = (name: Parameters<typeof compiledBuiltin>[0], action: string, resource = 'arn:aws:s3:::b/k') =>
  evaluate([compiledBuiltin(name)], { action, resource }).allowed;

describe('built-in policies (MinIO names and content)', () => {
  it('exist under MinIO names', () => {
    expect(builtinNames).toEqual(['consoleAdmin', 'readonly', 'readwrite', 'writeonly', 'diagnostics']);
    expect(isBuiltinName('readonly')).toBe(true);
    expect(isBuiltinName('ReadOnly')).toBe(false);
  });

  it('readonly is GetBucketLocation + GetObject only', () => {
    expect(serializePolicy(compiledBuiltin('readonly').document)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetObject"],"Resource":["arn:aws:s3:::*"]}]}',
    );
    expect(allow('readonly', 's3:GetObject')).toBe(true);
    expect(allow('readonly', 's3:GetBucketLocation', 'arn:aws:s3:::b')).toBe(true);
    expect(allow('readonly', 's3:ListBucket', 'arn:aws:s3:::b')).toBe(false);
    expect(allow('readonly', 's3:PutObject')).toBe(false);
  });

  it('readwrite, writeonly, diagnostics, consoleAdmin', () => {
    expect(allow('readwrite', 's3:DeleteObject')).toBe(true);
    expect(allow('readwrite', 'admin:ServerInfo', '')).toBe(false);
    expect(allow('writeonly', 's3:PutObject')).toBe(true);
    expect(allow('writeonly', 's3:GetObject')).toBe(false);
    expect(allow('diagnostics', 'admin:ServerTrace', '')).toBe(true);
    expect(allow('diagnostics', 'admin:CreateUser', '')).toBe(false);
    expect(allow('consoleAdmin', 'admin:CreateUser', '')).toBe(true);
    expect(allow('consoleAdmin', 'kms:CreateKey', 'arn:minio:kms:::k')).toBe(true);
    expect(allow('consoleAdmin', 's3:PutBucketPolicy', 'arn:aws:s3:::b')).toBe(true);
    expect(allow('consoleAdmin', 'iam:CreateUser', '*')).toBe(false);
  });
});

describe('actions catalog', () => {
  it('knows every family, case-insensitively', () => {
    for (const a of [
      's3:GetObject',
      'S3:PUTBUCKETCORS',
      'admin:ServerTrace',
      'kms:KeyStatus',
      'sts:AssumeRoleWithLDAPIdentity',
      'iam:SimulateCustomPolicy',
      's3express:CreateSession',
    ]) {
      expect(actionInfo(a)?.name.toLowerCase()).toBe(a.toLowerCase());
      expect(actionInfo(a)?.family).toBe(a.slice(0, a.indexOf(':')).toLowerCase());
    }
    expect(actionInfo('s3:GetObject')?.resourceType).toBe('object');
    expect(actionInfo('s3:ListBucket')?.resourceType).toBe('bucket');
    expect(actionInfo('admin:Heal')?.resourceless).toBe(false); // admin: Resource scopes (DEPLOYMENT_WIDE)
    expect(actionInfo('sts:AssumeRole')?.resourceless).toBe(true);
    expect(new Set(knownActions().map((a) => a.family))).toEqual(
      new Set(['s3', 's3express', 'admin', 'kms', 'sts', 'iam']),
    );
  });

  it('expands patterns with * and ?', () => {
    expect(expandActionPattern('s3:Get*').length).toBeGreaterThan(20);
    expect(expandActionPattern('s3:?utObject').map((a) => a.name)).toEqual(['s3:PutObject']);
    expect(expandActionPattern('*').length).toBe(knownActions().length);
    expect(expandActionPattern('s3:Fly')).toEqual([]);
  });
});
