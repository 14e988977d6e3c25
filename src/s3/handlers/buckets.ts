import { isTesseraError, parseXml, renderXml, TesseraError, xmlText } from '../../core/index.js';
import { type BucketRecord, removeBucket } from '../../storage/index.js';
import { accountCanonicalId } from '../acl/canonical-id.js';
import { applyNewBucketAccess, newBucketAccess } from '../acl/create-bucket.js';
import { emptyResponse, type S3Deps, type S3Handler, xmlResponse } from '../context.js';
import { asksObjectLock } from '../object-lock/lock.js';
import { readXmlBody } from '../xml-body.js';

/** Looks a bucket up, failing with NoSuchBucket. */
export async function requireBucket(deps: S3Deps, name: string): Promise<BucketRecord> {
  const bucket = await deps.metadata.getBucket(name);
  if (!bucket) throw new TesseraError('NoSuchBucket', undefined, { BucketName: name });
  return bucket;
}

/** The caller's account: buckets it creates are its, ListBuckets shows only its (docs/accounts.md). */
function callerAccount(deps: S3Deps, req: { account?: string }): string {
  return req.account ?? deps.account;
}

/**
 * The Owner S3 shows for an account's buckets and what is in them (ListBuckets, the listings'
 * Owner and Initiator): its canonical id and name (the default account: deps.owner).
 */
export async function accountOwner(
  deps: S3Deps,
  account: string,
): Promise<{ ID: string; DisplayName: string }> {
  if (account === '') return { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  const name = (await deps.accounts?.displayName(account)) ?? account;
  return { ID: accountCanonicalId(deps, account), DisplayName: name };
}

export const listBuckets: S3Handler<'ListBuckets'> = async (deps, req) => {
  const account = callerAccount(deps, req);
  let buckets = (await deps.metadata.listBuckets()).filter((b) => b.account === account);
  const access = req.access;
  if (access) {
    const visible = await Promise.all(buckets.map((b) => access.bucketVisible(b.name)));
    buckets = buckets.filter((_, i) => visible[i]);
  }
  return xmlResponse(
    renderXml('ListAllMyBucketsResult', {
      Owner: await accountOwner(deps, account),
      Buckets: {
        Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt).toISOString() })),
      },
    }),
  );
};

export const createBucket: S3Handler<'CreateBucket'> = async (deps, req) => {
  const name = req.op.bucket;
  const body = await readXmlBody(req);
  let region = deps.region;
  if (body !== '') {
    const config = parseXml(body, 'CreateBucketConfiguration');
    const constraint = xmlText(config['LocationConstraint']);
    // us-east-1 is the region an empty LocationConstraint names.
    if (constraint !== undefined && constraint !== '' && constraint !== deps.region) {
      throw new TesseraError(
        'InvalidLocationConstraint',
        `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
    if (constraint) region = constraint;
  }
  // x-amz-bucket-object-lock-enabled: true — Object Lock on, and versioning Enabled with it.
  const objectLock = asksObjectLock(req.headers);
  // Object Ownership and the ACL (docs/acl.md), checked before the bucket exists.
  const access = await newBucketAccess(deps, req, callerAccount(deps, req));
  const record: BucketRecord = { name, account: callerAccount(deps, req), region, createdAt: req.now };
  if (objectLock) {
    record.versioning = 'Enabled';
    record.objectLock = true;
  }
  let created = true;
  try {
    await deps.metadata.createBucket(record);
  } catch (e) {
    // "For legacy compatibility, if you re-create an existing bucket that you already own in the
    // North Virginia Region, Amazon S3 returns 200 OK"; every other region answers 409.
    if (!isTesseraError(e, 'BucketAlreadyOwnedByYou')) throw e;
    // Bucket names are global: one of another account is BucketAlreadyExists (docs/accounts.md).
    const existing = await deps.metadata.getBucket(name);
    if (existing !== undefined && existing.account !== record.account)
      throw new TesseraError('BucketAlreadyExists', undefined, { BucketName: name });
    if (deps.region !== 'us-east-1') throw e;
    created = false;
  }
  if (created) deps.accounts?.bucketChanged(name);
  // Only the bucket this request created (never an existing one re-created) gets Object Lock.
  if (objectLock && created) await deps.metadata.enableObjectLock(name);
  if (created) await applyNewBucketAccess(deps, name, access);
  return emptyResponse(200, { location: `/${name}` });
};

export const headBucket: S3Handler<'HeadBucket'> = async (deps, req) => {
  const bucket = await requireBucket(deps, req.op.bucket);
  return emptyResponse(200, { 'x-amz-bucket-region': bucket.region });
};

export const deleteBucket: S3Handler<'DeleteBucket'> = async (deps, req) => {
  // The policy goes with the bucket: a new bucket of the same name starts without one.
  await removeBucket(deps, req.op.bucket, (bucket) => deps.bucketPolicies.delete(bucket));
  deps.accounts?.bucketChanged(req.op.bucket);
  return emptyResponse(204);
};

export const getBucketLocation: S3Handler<'GetBucketLocation'> = async (deps, req) => {
  const bucket = await requireBucket(deps, req.op.bucket);
  // S3 reports us-east-1 as an empty LocationConstraint.
  return xmlResponse(renderXml('LocationConstraint', bucket.region === 'us-east-1' ? '' : bucket.region));
};
