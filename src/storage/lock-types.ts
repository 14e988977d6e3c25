/** Object Lock state and bucket configuration documents, as the metadata store keeps them. */

/**
 * Bucket configuration documents the store keeps as the S3 layer hands them over (serialized by
 * it): each kind is one document per bucket, removed with the bucket.
 */
export type BucketConfigKind =
  | 'lifecycle'
  | 'object-lock'
  | 'cors'
  | 'public-access-block'
  | 'ownership-controls'
  | 'acl'
  | 'encryption';

/** S3 Object Lock retention modes. */
export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

/** A version's Object Lock state: retention (mode and until when), legal hold. */
export interface ObjectLock {
  mode?: RetentionMode;
  /** Epoch milliseconds. */
  retainUntil?: number;
  legalHold?: boolean;
}

/**
 * Runs inside the store's transaction on the version a delete is about to remove for good (its
 * Object Lock state, undefined when it has none); throws to refuse the delete. Must be synchronous.
 */
export type RemovalGuard = (lock: ObjectLock | undefined) => void;

/**
 * Runs inside the store's transaction on a version's Object Lock state and returns the new state
 * (PutObjectRetention, PutObjectLegalHold); throws to refuse. Must be synchronous.
 */
export type LockUpdate = (current: ObjectLock) => ObjectLock;
