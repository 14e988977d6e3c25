/**
 * The operations table: every S3 operation Tessera routes, with the IAM action it needs.
 * Authorization (the IAM issue) adds resources and condition context per operation.
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
  GetObject: { action: 's3:GetObject' },
  HeadObject: { action: 's3:GetObject' },
  DeleteObject: { action: 's3:DeleteObject' },
  GetObjectTagging: { action: 's3:GetObjectTagging' },
  PutObjectTagging: { action: 's3:PutObjectTagging' },
  DeleteObjectTagging: { action: 's3:DeleteObjectTagging' },
  CreateMultipartUpload: { action: 's3:PutObject' },
  UploadPart: { action: 's3:PutObject' },
  UploadPartCopy: { action: 's3:PutObject' },
  CompleteMultipartUpload: { action: 's3:PutObject' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload' },
  ListParts: { action: 's3:ListMultipartUploadParts' },
  NotImplemented: { action: 's3:*' },
} as const satisfies Record<string, { action: string }>;

export type OperationName = keyof typeof operationSpecs;
