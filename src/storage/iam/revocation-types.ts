/**
 * Session revocations (docs/sts.md "Revocation"): a per-parent "valid after" time (every session
 * of the parent issued before it stops working) and a bounded list of single revoked sessions.
 * Each mutation appends a `revocation` change to the feed, so every process reloads the list.
 */
export interface IamRevocationRecord {
  account: string;
  /** The parent's revocation key (iam: revocationKeys), e.g. a user's or a role's. */
  parent: string;
  /** '' for the parent's "valid after" entry; else one session id or temporary access key id. */
  session: string;
  /** When it was revoked: the parent's sessions issued before it stop working. */
  at: number;
  /** Single sessions only: when the entry may be dropped (the session has expired by then). */
  expiresAt?: number;
}

/** The revocation list (one table; the change feed carries `revocation` changes). */
export interface RevocationStore {
  /**
   * Records a revocation (replacing the same parent/session entry). Single-session entries past
   * their expiry are dropped first; LimitExceeded when `maxSessions` live ones are already listed.
   */
  putRevocation(record: IamRevocationRecord, opts: { maxSessions: number; now: number }): Promise<void>;
  /** Every entry still in force at `now` (expired single-session entries are left out). */
  listRevocations(now: number): Promise<IamRevocationRecord[]>;
}
