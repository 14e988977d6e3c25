import { describe, expect, it } from 'vitest';
import { aclNeedOf, grantAllowing } from './evaluate.js';
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, type StoredAcl } from './model.js';

const OWNER = 'o'.repeat(64);
const OTHER = 'x'.repeat(64);
const anonymous = { canonicalId: undefined, ownersAccount: false };
const sameAccount = { canonicalId: OWNER, ownersAccount: true };
const otherAccount = { canonicalId: OTHER, ownersAccount: false };

const acl = (...grants: StoredAcl['grants']): StoredAcl => ({ owner: OWNER, grants });

describe('ACL evaluation', () => {
  it('maps policy actions to the ACL permission that can allow them, as the ACL overview does', () => {
    expect(aclNeedOf('s3:ListBucket')).toEqual({ target: 'bucket', permission: 'READ' });
    expect(aclNeedOf('s3:ListBucketVersions')).toEqual({ target: 'bucket', permission: 'READ' });
    expect(aclNeedOf('s3:PutObject')).toEqual({ target: 'bucket', permission: 'WRITE' });
    expect(aclNeedOf('s3:DeleteObject')).toEqual({ target: 'bucket', permission: 'WRITE' });
    expect(aclNeedOf('s3:GetBucketAcl')).toEqual({ target: 'bucket', permission: 'READ_ACP' });
    expect(aclNeedOf('s3:PutBucketAcl')).toEqual({ target: 'bucket', permission: 'WRITE_ACP' });
    expect(aclNeedOf('s3:GetObject')).toEqual({ target: 'object', permission: 'READ' });
    expect(aclNeedOf('s3:GetObjectVersion')).toEqual({ target: 'object', permission: 'READ' });
    expect(aclNeedOf('s3:GetObjectVersionAcl')).toEqual({ target: 'object', permission: 'READ_ACP' });
    expect(aclNeedOf('s3:PutObjectAcl')).toEqual({ target: 'object', permission: 'WRITE_ACP' });
    expect(aclNeedOf('s3:DeleteBucket')).toBeUndefined();
    expect(aclNeedOf('s3:PutBucketPolicy')).toBeUndefined();
  });

  it('AllUsers grants are anyone’s, AuthenticatedUsers grants every signed caller’s, LogDelivery nobody’s', () => {
    const read = acl({ grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' });
    for (const caller of [anonymous, sameAccount, otherAccount])
      expect(grantAllowing(read, 'READ', caller, false)?.index).toBe(0);
    expect(grantAllowing(read, 'READ_ACP', anonymous, false)).toBeUndefined();
    const authenticated = acl({ grantee: { type: 'Group', uri: AUTHENTICATED_USERS }, permission: 'READ' });
    expect(grantAllowing(authenticated, 'READ', anonymous, false)).toBeUndefined();
    expect(grantAllowing(authenticated, 'READ', otherAccount, false)).toBeDefined();
    const logs = acl({ grantee: { type: 'Group', uri: LOG_DELIVERY }, permission: 'WRITE' });
    expect(grantAllowing(logs, 'WRITE', anonymous, false)).toBeUndefined();
  });

  it('account grants are for callers of other accounts: within the owner’s account policies decide', () => {
    const owner = acl({ grantee: { type: 'CanonicalUser', id: OWNER }, permission: 'FULL_CONTROL' });
    expect(grantAllowing(owner, 'READ', sameAccount, false)).toBeUndefined();
    const other = acl(
      { grantee: { type: 'CanonicalUser', id: OWNER }, permission: 'FULL_CONTROL' },
      { grantee: { type: 'CanonicalUser', id: OTHER }, permission: 'FULL_CONTROL' },
    );
    expect(grantAllowing(other, 'WRITE_ACP', otherAccount, false)).toEqual({
      grant: other.grants[1],
      index: 1,
    });
    expect(grantAllowing(other, 'READ', anonymous, false)).toBeUndefined();
  });

  it('FULL_CONTROL covers every permission; IgnorePublicAcls ignores public grants only', () => {
    const full = acl(
      { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'FULL_CONTROL' },
      { grantee: { type: 'CanonicalUser', id: OTHER }, permission: 'READ' },
    );
    for (const p of ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const)
      expect(grantAllowing(full, p, anonymous, false)).toBeDefined();
    expect(grantAllowing(full, 'READ', anonymous, true)).toBeUndefined();
    expect(grantAllowing(full, 'READ', otherAccount, true)?.index).toBe(1);
  });
});
