import { type Principal, TesseraError } from '../../core/index.js';
import { type AccessCheck, AccessDeniedError, type Authorizer } from '../../iam/index.js';
import type { Decision, StatementRef } from '../../policy/index.js';
import type { S3Deps } from '../context.js';
import { bucketOwnerOf, callerCanonicalId } from './canonical-id.js';
import { aclNeedOf, grantAllowing } from './evaluate.js';
import { type AclGrant, granteeLabel, type StoredAcl } from './model.js';
import { ownershipIfBucket } from './ownership.js';
import { aclPublicAccess } from './public-access.js';
import { bucketAcl, objectAcl } from './stored.js';

type Context = Readonly<Record<string, string | string[]>>;

/** The ACL grant that allowed a check that policies left undecided (the request event's decision). */
export interface AclAllowance {
  readonly resource: string;
  readonly grant: AclGrant;
  /** The grant as a statement reference: policy `acl:<resource ARN>`, Sid `<grantee> <permission>`. */
  readonly statement: StatementRef;
}

export interface AclAuthorization {
  readonly decisions: Decision[];
  /** Set when an ACL grant allowed a check no policy allowed. */
  readonly acl?: AclAllowance;
}

function splitArn(resource: string): { bucket: string; key?: string } | undefined {
  if (!resource.startsWith('arn:aws:s3:::')) return undefined;
  const rest = resource.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/**
 * The ACL grant that allows one check, consulted as S3 does: only when ACLs are enabled on the
 * bucket (never with BucketOwnerEnforced), the bucket's ACL for bucket permissions, the object
 * version's for object ones; public grants count for nothing under IgnorePublicAcls.
 */
/** aclAllowance's answer for an object that does not exist (it has no ACL to grant anything). */
const MISSING = 'missing';

async function aclAllowance(
  deps: S3Deps,
  principal: Principal,
  check: AccessCheck,
): Promise<AclAllowance | typeof MISSING | undefined> {
  const need = aclNeedOf(check.action);
  const where = splitArn(check.resource);
  if (need === undefined || where === undefined || where.bucket === '*') return undefined;
  if (need.target === 'object' && (where.key === undefined || where.key.includes('*'))) return undefined;
  const ownership = await ownershipIfBucket(deps, where.bucket);
  if (ownership === undefined || ownership === 'BucketOwnerEnforced') return undefined;
  const bucketOwner = await bucketOwnerOf(deps, where.bucket);
  let acl: StoredAcl;
  if (need.target === 'bucket') acl = await bucketAcl(deps, where.bucket);
  else {
    const v = check.context?.['s3:versionid'];
    const version = await deps.metadata.getObject(
      where.bucket,
      where.key!,
      typeof v === 'string' ? v : undefined,
    );
    if (version === undefined) return MISSING;
    acl = objectAcl(version, bucketOwner);
  }
  const canonicalId = callerCanonicalId(deps, principal);
  const caller = { canonicalId, ownersAccount: canonicalId === bucketOwner };
  const { ignorePublicAcls } = await aclPublicAccess(deps, where.bucket);
  const found = grantAllowing(acl, need.permission, caller, ignorePublicAcls);
  if (found === undefined) return undefined;
  const sid = `${granteeLabel(found.grant.grantee)} ${found.grant.permission}`;
  return {
    resource: check.resource,
    grant: found.grant,
    statement: { policy: `acl:${check.resource}`, index: found.index, sid, effect: 'Allow' },
  };
}

/**
 * A GET or HEAD of a key that does not exist, by a caller that may list the bucket (by a policy or
 * the bucket's ACL): S3 answers 404 NoSuchKey, not 403 ("If you have the s3:ListBucket
 * permission on the bucket, Amazon S3 returns … 404"). Nothing is read but the bucket's ACL.
 */
async function missingKeyShown(
  deps: S3Deps,
  authorizer: Authorizer,
  principal: Principal,
  check: AccessCheck,
  base: Context,
): Promise<boolean> {
  const where = splitArn(check.resource);
  if (
    check.action !== 's3:GetObject' ||
    where?.key === undefined ||
    check.context?.['s3:versionid'] !== undefined
  )
    return false;
  const list: AccessCheck = { action: 's3:ListBucket', resource: `arn:aws:s3:::${where.bucket}` };
  if (await authorizer.allowed(principal, list, base)) return true;
  if (
    (await authorizer.anyAcross(principal, [list])) &&
    !(await authorizer.identityAllowsAcross(principal, list, base))
  )
    return false;
  const byAcl = await aclAllowance(deps, principal, list);
  return byAcl !== undefined && byAcl !== MISSING;
}

/**
 * Every check must be allowed, by policies or else by an ACL grant. Policies are evaluated first
 * and alone while they allow (no ACL is read); ACLs are consulted only for a check that no
 * policy allowed and none denied explicitly — an explicit Deny always wins.
 * @example const { decisions, acl } = await authorizeWithAcls(deps, authorizer, principal, checks, base);
 */
export async function authorizeWithAcls(
  deps: S3Deps,
  authorizer: Authorizer,
  principal: Principal,
  checks: readonly AccessCheck[],
  base: Context,
): Promise<AclAuthorization> {
  try {
    return { decisions: await authorizer.requireAll(principal, checks, base) };
  } catch (e) {
    if (!(e instanceof AccessDeniedError) || e.decision.reason !== 'implicitDeny') throw e;
    const first = checks.indexOf(e.check);
    if (first < 0) throw e;
    const decisions: Decision[] = [];
    let acl: AclAllowance | undefined;
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      const d =
        i < first ? undefined : i === first ? e.decision : await authorizer.decide(principal, check, base);
      if (d === undefined || d.allowed) {
        if (d !== undefined) decisions.push(d);
        continue;
      }
      if (d.reason !== 'implicitDeny') throw new AccessDeniedError(d, check);
      // Another account's bucket (docs/accounts.md): the caller's own identity policies must allow
      // as well as the bucket's ACL.
      if (
        (await authorizer.anyAcross(principal, [check])) &&
        !(await authorizer.identityAllowsAcross(principal, check, base))
      )
        throw i === first ? e : new AccessDeniedError(d, check);
      const allowance = await aclAllowance(deps, principal, check);
      if (allowance === MISSING && (await missingKeyShown(deps, authorizer, principal, check, base)))
        throw new TesseraError('NoSuchKey', undefined, { Key: splitArn(check.resource)?.key ?? '' });
      if (allowance === undefined || allowance === MISSING)
        throw i === first ? e : new AccessDeniedError(d, check);
      acl = allowance;
    }
    return acl === undefined ? { decisions } : { decisions, acl };
  }
}
