import { TesseraError } from '../../core/index.js';
import type { ObjectLock, RemovalGuard } from '../../storage/index.js';

/** AWS's refusal to remove a locked version: 403 AccessDenied with this message. */
export function lockedError(): TesseraError {
  return new TesseraError('AccessDenied', 'Access Denied because object protected by object lock.');
}

/**
 * Whether Object Lock keeps a version from being removed for good at `now`: a legal hold, or
 * retention that has not run out (GOVERNANCE yields to `bypassGovernance`, COMPLIANCE never).
 */
export function isProtected(lock: ObjectLock | undefined, now: number, bypassGovernance: boolean): boolean {
  if (lock === undefined) return false;
  if (lock.legalHold) return true;
  if (lock.mode === undefined || lock.retainUntil === undefined || lock.retainUntil <= now) return false;
  return lock.mode === 'COMPLIANCE' || !bypassGovernance;
}

/**
 * The guard a delete of a version for good hands to the store (checked inside its transaction,
 * so a legal hold set meanwhile is seen). `bypassGovernance`: the request sent
 * x-amz-bypass-governance-retention: true and is allowed s3:BypassGovernanceRetention.
 */
export function removalGuard(now: number, bypassGovernance: boolean): RemovalGuard {
  return (lock) => {
    if (isProtected(lock, now, bypassGovernance)) throw lockedError();
  };
}
