/**
 * The operations table: every S3 operation Tessera routes, with the IAM action it needs.
 * `versionAction` is the action when the request names a version (`?versionId=`, `null`
 * included), as AWS authorizes it: "To return a different version, you need the
 * s3:GetObjectVersion permission" (likewise DeleteObjectVersion and the *VersionTagging ones).
 * Authorization adds resources and condition context per operation (access.ts).
 */
export const operationSpecs = {
  ListBuckets: { action: 's3:ListAllMyBuckets' },
  PostService: { action: 'sts:*' },
  CreateBucket: { action: 's3:CreateBucket' },
  HeadBucket: { action: 's3:ListBucket' },
  DeleteBucket: { action: 's3:DeleteBucket' },
  GetBucketLocation: { action: 's3:GetBucketLocation' },
  GetBucketVersioning: { action: 's3:GetBucketVersioning' },
  GetBucketTagging: { action: 's3:GetBucketTagging' },
  PutBucketTagging: { action: 's3:PutBucketTagging' },
  DeleteBucketTagging: { action: 's3:PutBucketTagging' },
  GetBucketPolicy: { action: 's3:GetBucketPolicy' },
  PutBucketPolicy: { action: 's3:PutBucketPolicy' },
  DeleteBucketPolicy: { action: 's3:DeleteBucketPolicy' },
  GetBucketPolicyStatus: { action: 's3:GetBucketPolicyStatus' },
  ListObjects: { action: 's3:ListBucket' },
  ListObjectsV2: { action: 's3:ListBucket' },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads' },
  DeleteObjects: { action: 's3:DeleteObject' },
  PutObject: { action: 's3:PutObject' },
  CopyObject: { action: 's3:PutObject' },
  GetObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion' },
  HeadObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion' },
  DeleteObject: { action: 's3:DeleteObject', versionAction: 's3:DeleteObjectVersion' },
  GetObjectTagging: { action: 's3:GetObjectTagging', versionAction: 's3:GetObjectVersionTagging' },
  PutObjectTagging: { action: 's3:PutObjectTagging', versionAction: 's3:PutObjectVersionTagging' },
  DeleteObjectTagging: { action: 's3:DeleteObjectTagging', versionAction: 's3:DeleteObjectVersionTagging' },
  CreateMultipartUpload: { action: 's3:PutObject' },
  UploadPart: { action: 's3:PutObject' },
  UploadPartCopy: { action: 's3:PutObject' },
  CompleteMultipartUpload: { action: 's3:PutObject' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload' },
  ListParts: { action: 's3:ListMultipartUploadParts' },
  NotImplemented: { action: 's3:*' },
} as const satisfies Record<string, OperationSpec>;

export interface OperationSpec {
  action: string;
  versionAction?: string;
}

export type OperationName = keyof typeof operationSpecs;
