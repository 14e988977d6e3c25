/**
 * Every `s3:` action Tessera knows: AWS's S3 actions (Service Authorization Reference) and
 * MinIO's extensions, each with the resource type it applies to (`bucket`, `object`, or
 * `account` for actions on no bucket). Matching is case-insensitive, so AWS's `PutBucketCORS`
 * and MinIO's `PutBucketCors` are the same action.
 */

const object = `AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectTagging
DeleteObjectVersion DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAttributes
GetObjectLegalHold GetObjectRetention GetObjectTagging GetObjectTorrent GetObjectVersion
GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionForReplication
GetObjectVersionTagging GetObjectVersionTorrent InitiateReplication ListMultipartUploadParts
ObjectOwnerOverrideToBucketOwner PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention
PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging ReplicateDelete ReplicateObject
ReplicateTags RestoreObject RenameObject PutObjectFanOut`;

const bucket = `CreateBucket DeleteBucket DeleteBucketCors DeleteBucketMetadataTableConfiguration DeleteBucketOwnershipControls DeleteBucketPolicy
DeleteBucketWebsite ForceDeleteBucket GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAcl GetBucketCORS
GetBucketLocation GetBucketLogging GetBucketMetadataTableConfiguration GetBucketNotification
GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy GetBucketPolicyStatus
GetBucketPublicAccessBlock GetBucketQOS GetBucketRequestPayment GetBucketTagging
GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration
GetMetricsConfiguration GetReplicationConfiguration HeadBucket ListBucket
ListBucketMultipartUploads ListBucketVersions ListenBucketNotification PutAccelerateConfiguration
PutAnalyticsConfiguration PutBucketAcl PutBucketCORS PutBucketLogging
CreateBucketMetadataTableConfiguration PutBucketNotification PutBucketObjectLockConfiguration
PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock PutBucketQOS
PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite
PutEncryptionConfiguration PutIntelligentTieringConfiguration PutInventoryConfiguration
PutLifecycleConfiguration PutMetricsConfiguration PutReplicationConfiguration
ResetBucketReplicationState`;

const account = `ListAllMyBuckets ListenNotification CreateJob DescribeJob ListJobs UpdateJobPriority
UpdateJobStatus GetAccountPublicAccessBlock PutAccountPublicAccessBlock ListAccessPoints
CreateAccessPoint DeleteAccessPoint GetAccessPoint GetAccessPointPolicy PutAccessPointPolicy
DeleteAccessPointPolicy GetAccessPointPolicyStatus ListStorageLensConfigurations
GetStorageLensConfiguration PutStorageLensConfiguration DeleteStorageLensConfiguration
ListAccessGrants CreateAccessGrant DeleteAccessGrant GetAccessGrant`;

/** Where an action applies. */
export type S3ResourceType = 'bucket' | 'object' | 'account';

function list(names: string, type: S3ResourceType): [string, S3ResourceType][] {
  return names
    .split(/\s+/)
    .filter((n) => n !== '')
    .map((n) => [`s3:${n}`, type]);
}

/** `s3:` action → resource type. */
export const s3Actions: ReadonlyMap<string, S3ResourceType> = new Map([
  ...list(object, 'object'),
  ...list(bucket, 'bucket'),
  ...list(account, 'account'),
]);

/** The words of a list above as a type: split on newlines, then on single spaces. */
type Split<
  S extends string,
  D extends string,
  Acc extends string = never,
> = S extends `${infer W}${D}${infer R}` ? Split<R, D, Acc | W> : Acc | S;
type Words<S extends string> = Exclude<Split<Split<S, '\n'>, ' '>, ''>;

/**
 * Every `s3:` action of the catalog, in its canonical spelling, as a type: code that names an
 * action (the S3 operations) is checked by the compiler against the same lists `s3Actions` holds.
 * @example const read: S3ActionName = 's3:GetObject';
 */
export type S3ActionName = `s3:${Words<typeof object> | Words<typeof bucket> | Words<typeof account>}`;
