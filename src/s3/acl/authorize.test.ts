import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Principal } from '../../core/index.js';
import { type AccessCheck, AccessDeniedError, type Authorizer } from '../../iam/index.js';
import type { Decision } from '../../policy/index.js';
import type { BucketConfigKind, StoredObject } from '../../storage/index.js';
import type { S3Deps } from '../context.js';
import { authorizeWithAcls } from './authorize.js';
import { ALL_USERS } from './model.js';

const OWNER = 'o'.repeat(64);
const allow: Decision = { allowed: true, reason: 'allowed', statements: [] };
const implicit: Decision = { allowed: false, reason: 'implicitDeny', statements: [] };
const explicit: Decision = { allowed: false, reason: 'explicitDeny', statements: [] };

/** An authorizer whose decisions come from `decide(action)`. */
function authorizer(decide: (action: string) => Decision): Authorizer {
  const a = {
    decide: async (_p: Principal, check: AccessCheck) => decide(check.action),
    requireAll: async (_p: Principal, checks: Iterable<AccessCheck>) => {
      const out: Decision[] = [];
      for (const c of checks) {
        const d = decide(c.action);
        if (!d.allowed) throw new AccessDeniedError(d, c);
        out.push(d);
      }
      return out;
    },
    // One account only: the cross-account rule never applies.
    anyAcross: async () => false,
  };
  return a as unknown as Authorizer;
}

/** Deps whose store counts its reads and holds one public-read object in an ObjectWriter bucket. */
function deps(ownership = 'ObjectWriter') {
  const reads: string[] = [];
  const object = {
    acl: {
      owner: OWNER,
      grants: [
        { grantee: { type: 'CanonicalUser', id: OWNER }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' },
      ],
    },
  } as unknown as StoredObject;
  const metadata = {
    getBucketConfig: async (_b: string, kind: BucketConfigKind) => {
      reads.push(kind);
      return kind === 'ownership-controls' ? JSON.stringify({ ObjectOwnership: ownership }) : undefined;
    },
    getObject: async () => {
      reads.push('object');
      return object;
    },
  };
  return { reads, deps: { metadata, owner: { id: OWNER, displayName: 'o' } } as unknown as S3Deps };
}

const get: AccessCheck = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} };
const user = { kind: 'user', account: '' } as unknown as Principal;

describe('authorizeWithAcls', () => {
  it('reads no ACL (nor anything else) when policies allow', async () => {
    const d = deps();
    const out = await authorizeWithAcls(
      d.deps,
      authorizer(() => allow),
      user,
      [get],
      {},
    );
    expect(out).toEqual({ decisions: [allow] });
    expect(d.reads).toEqual([]);
  });

  it('on an implicit deny, consults the object ACL and names the grant that allowed', async () => {
    const d = deps();
    const out = await authorizeWithAcls(
      d.deps,
      authorizer(() => implicit),
      ANONYMOUS,
      [get],
      {},
    );
    expect(out.acl?.statement).toEqual({
      policy: 'acl:arn:aws:s3:::b/k',
      index: 1,
      sid: 'AllUsers READ',
      effect: 'Allow',
    });
    expect(d.reads).toContain('object');
  });

  it('an explicit deny wins without reading any ACL; BucketOwnerEnforced never consults one', async () => {
    const d = deps();
    await expect(
      authorizeWithAcls(
        d.deps,
        authorizer(() => explicit),
        ANONYMOUS,
        [get],
        {},
      ),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect(d.reads).toEqual([]);
    const enforced = deps('BucketOwnerEnforced');
    await expect(
      authorizeWithAcls(
        enforced.deps,
        authorizer(() => implicit),
        ANONYMOUS,
        [get],
        {},
      ),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect(enforced.reads).toEqual(['ownership-controls']);
  });

  it('checks after the one an ACL allowed are still decided by policies, and their explicit deny wins', async () => {
    const d = deps();
    const tag: AccessCheck = { action: 's3:PutObjectTagging', resource: 'arn:aws:s3:::b/k', context: {} };
    const decide = (action: string) => (action === 's3:GetObject' ? implicit : explicit);
    await expect(
      authorizeWithAcls(d.deps, authorizer(decide), ANONYMOUS, [get, tag], {}),
    ).rejects.toMatchObject({
      decision: explicit,
      check: tag,
    });
    // An action no ACL permission maps to stays denied.
    await expect(
      authorizeWithAcls(
        d.deps,
        authorizer(() => implicit),
        ANONYMOUS,
        [tag],
        {},
      ),
    ).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
