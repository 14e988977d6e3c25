import { describe, expect, it } from 'vitest';
import { accessChecks } from './ops/index.js';
import { routeRequest } from './router.js';

function checks(method: string, url: string, headers: Record<string, string> = {}) {
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const op = routeRequest(
    {
      method,
      rawPath: q < 0 ? url : url.slice(0, q),
      query,
      host: 'localhost',
      copySource: 'x-amz-copy-source' in headers,
    },
    [],
  );
  return accessChecks(op, { headers }).map((c) => ({
    action: c.action,
    resource: c.resource,
    context: c.context,
    tags: c.existingTagsOf !== undefined,
  }));
}

describe('accessChecks (the operations table for authorization)', () => {
  it('HeadObject and GetObject need s3:GetObject and see the existing tags', () => {
    expect(checks('HEAD', '/bkt/a/b')).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::bkt/a/b', context: {}, tags: true },
    ]);
    expect(checks('GET', '/bkt/a/b')[0]!.action).toBe('s3:GetObject');
  });

  it('HeadBucket and listings need s3:ListBucket, listings with s3:prefix, s3:delimiter and s3:max-keys', () => {
    expect(checks('HEAD', '/bkt')).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::bkt', context: {}, tags: false },
    ]);
    expect(checks('GET', '/bkt?list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=5')[0]).toEqual({
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::bkt',
      context: { 's3:prefix': 'home/alice/', 's3:delimiter': '/', 's3:max-keys': '5' },
      tags: false,
    });
  });

  it('CopyObject reads the source and writes the target with its condition keys', () => {
    const c = checks('PUT', '/dst/k', {
      'x-amz-copy-source': '/src/a%20b?versionId=null',
      'x-amz-metadata-directive': 'REPLACE',
    });
    // Naming a source version (even `null`) needs s3:GetObjectVersion, as in AWS.
    expect(c.map((x) => [x.action, x.resource])).toEqual([
      ['s3:GetObjectVersion', 'arn:aws:s3:::src/a b'],
      ['s3:PutObject', 'arn:aws:s3:::dst/k'],
    ]);
    expect(c[0]!.context).toEqual({ 's3:versionid': 'null' });
    expect(checks('PUT', '/dst/k', { 'x-amz-copy-source': 'src/k' })[0]).toMatchObject({
      action: 's3:GetObject',
      context: {},
    });
    expect(c[1]!.context).toEqual({
      's3:x-amz-copy-source': 'src/a b',
      's3:x-amz-metadata-directive': 'REPLACE',
    });
  });

  it('PutObject with x-amz-tagging also needs s3:PutObjectTagging and supplies s3:RequestObjectTag', () => {
    const c = checks('PUT', '/bkt/k', { 'x-amz-tagging': 'team=ml&tier=gold', 'x-amz-acl': 'private' });
    // ACL headers also need s3:PutObjectAcl (docs/acl.md).
    expect(c.map((x) => x.action)).toEqual(['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectAcl']);
    expect(c[0]!.context).toEqual({
      's3:x-amz-acl': 'private',
      's3:RequestObjectTag/team': 'ml',
      's3:RequestObjectTag/tier': 'gold',
      's3:RequestObjectTagKeys': ['team', 'tier'],
    });
  });

  it('PutObject with grant headers needs s3:PutObjectAcl; without ACL headers it does not', () => {
    const grants = checks('PUT', '/bkt/k', {
      'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"',
    });
    expect(grants.map((x) => x.action)).toEqual(['s3:PutObject', 's3:PutObjectAcl']);
    expect(checks('PUT', '/bkt/k').map((x) => x.action)).toEqual(['s3:PutObject']);
  });

  it('maps multipart, tagging, bucket and service operations to their own actions', () => {
    const one = (m: string, u: string) => checks(m, u).map((c) => `${c.action} ${c.resource}`);
    expect(one('GET', '/')).toEqual(['s3:ListAllMyBuckets arn:aws:s3:::*']);
    expect(one('POST', '/bkt/k?uploads')).toEqual(['s3:PutObject arn:aws:s3:::bkt/k']);
    expect(one('PUT', '/bkt/k?partNumber=1&uploadId=u')).toEqual(['s3:PutObject arn:aws:s3:::bkt/k']);
    expect(one('DELETE', '/bkt/k?uploadId=u')).toEqual(['s3:AbortMultipartUpload arn:aws:s3:::bkt/k']);
    expect(one('GET', '/bkt/k?uploadId=u')).toEqual(['s3:ListMultipartUploadParts arn:aws:s3:::bkt/k']);
    expect(one('GET', '/bkt?uploads')).toEqual(['s3:ListBucketMultipartUploads arn:aws:s3:::bkt']);
    expect(one('DELETE', '/bkt/k?tagging')).toEqual(['s3:DeleteObjectTagging arn:aws:s3:::bkt/k']);
    expect(one('PUT', '/bkt?policy')).toEqual(['s3:PutBucketPolicy arn:aws:s3:::bkt']);
    expect(one('DELETE', '/bkt?tagging')).toEqual(['s3:PutBucketTagging arn:aws:s3:::bkt']);
    // DeleteObjects is authorized per key by its handler.
    expect(one('POST', '/bkt?delete')).toEqual([]);
  });

  it('a versionId (null included) is authorized as the version action, with s3:versionid', () => {
    const one = (m: string, u: string) => checks(m, u).map((c) => [c.action, c.context['s3:versionid']]);
    expect(one('GET', '/bkt/k?versionId=null')).toEqual([['s3:GetObjectVersion', 'null']]);
    expect(one('HEAD', '/bkt/k?versionId=null')).toEqual([['s3:GetObjectVersion', 'null']]);
    expect(one('DELETE', '/bkt/k?versionId=null')).toEqual([['s3:DeleteObjectVersion', 'null']]);
    expect(one('GET', '/bkt/k?tagging&versionId=null')).toEqual([['s3:GetObjectVersionTagging', 'null']]);
    expect(one('PUT', '/bkt/k?tagging&versionId=null')).toEqual([['s3:PutObjectVersionTagging', 'null']]);
    expect(one('DELETE', '/bkt/k?tagging&versionId=null')).toEqual([
      ['s3:DeleteObjectVersionTagging', 'null'],
    ]);
    const id = 'Wy5Ch.zCMeLVC8gnI8tYbJSk0ZRIGSyz';
    expect(one('GET', `/bkt/k?versionId=${id}`)).toEqual([['s3:GetObjectVersion', id]]);
    // Without a versionId nothing changes.
    expect(one('GET', '/bkt/k')).toEqual([['s3:GetObject', undefined]]);
    expect(one('DELETE', '/bkt/k')).toEqual([['s3:DeleteObject', undefined]]);
  });
});
