import { describe, expect, it } from 'vitest';
import { type CANNED_ACLS, cannedGrants, EC2_BUNDLE_READER, parseCannedAcl } from './canned.js';
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY } from './model.js';

const OWNER = 'o'.repeat(64);
const BUCKET_OWNER = 'b'.repeat(64);
const user = (id: string, permission: string) => ({ grantee: { type: 'CanonicalUser', id }, permission });
const group = (uri: string, permission: string) => ({ grantee: { type: 'Group', uri }, permission });

describe('canned ACLs', () => {
  it('gives each canned ACL the grants of the table in "Canned ACL"', () => {
    const of = (c: (typeof CANNED_ACLS)[number]) => cannedGrants(c, OWNER, BUCKET_OWNER, 'object');
    expect(of('private')).toEqual([user(OWNER, 'FULL_CONTROL')]);
    expect(of('public-read')).toEqual([user(OWNER, 'FULL_CONTROL'), group(ALL_USERS, 'READ')]);
    expect(of('public-read-write')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
      group(ALL_USERS, 'READ'),
      group(ALL_USERS, 'WRITE'),
    ]);
    expect(of('aws-exec-read')).toEqual([user(OWNER, 'FULL_CONTROL'), user(EC2_BUNDLE_READER, 'READ')]);
    expect(of('authenticated-read')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
      group(AUTHENTICATED_USERS, 'READ'),
    ]);
    expect(of('bucket-owner-read')).toEqual([user(OWNER, 'FULL_CONTROL'), user(BUCKET_OWNER, 'READ')]);
    expect(of('bucket-owner-full-control')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
      user(BUCKET_OWNER, 'FULL_CONTROL'),
    ]);
    expect(of('log-delivery-write')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
      group(LOG_DELIVERY, 'WRITE'),
      group(LOG_DELIVERY, 'READ_ACP'),
    ]);
  });

  it('bucket-owner-* are ignored on buckets, and the bucket owner is listed once when it writes', () => {
    expect(cannedGrants('bucket-owner-full-control', OWNER, BUCKET_OWNER, 'bucket')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
    ]);
    expect(cannedGrants('bucket-owner-read', OWNER, BUCKET_OWNER, 'bucket')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
    ]);
    expect(cannedGrants('bucket-owner-full-control', OWNER, OWNER, 'object')).toEqual([
      user(OWNER, 'FULL_CONTROL'),
    ]);
  });

  it('refuses values that are no canned ACL with InvalidArgument', () => {
    expect(parseCannedAcl('public-read')).toBe('public-read');
    for (const bad of ['Public-Read', 'public', '', 'private ']) {
      expect(() => parseCannedAcl(bad)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
  });
});
