import { type Clock, type SessionParent, TesseraError, unhandled } from '../core/index.js';
import type { IamRevocationRecord, IamStore } from '../storage/index.js';
import { entityKey, roleKey } from './cache.js';
import { federatedUserName } from './federated-users.js';
import type { SessionClaims } from './sessions.js';

/** Single revoked sessions listed at most (TESSERA_STS_MAX_REVOCATIONS). */
export const DEFAULT_MAX_REVOCATIONS = 10_000;

export interface RevocationLimits {
  /** Most single sessions listed at once (default 10,000). */
  readonly maxSessions?: number;
  /** The longest a session can live (ms): a single-session entry is kept this long (default 12 h). */
  readonly maxSessionMs?: number;
}

/** Whose sessions to revoke: a user (its service accounts' sessions too), an access key, or a role. */
export type RevocationTarget =
  | { readonly kind: 'user'; readonly name: string }
  | { readonly kind: 'role'; readonly name: string }
  | { readonly kind: 'root' }
  | { readonly kind: 'serviceAccount'; readonly accessKey: string };

/** The revocation key of a target (`name` as stored). */
export function targetKey(account: string, t: RevocationTarget): string {
  switch (t.kind) {
    case 'user':
      return entityKey(account, t.name);
    case 'role':
      return roleKey(account, t.name);
    case 'root':
      return `root\u0000${account}`;
    case 'serviceAccount':
      return `sa\u0000${t.accessKey}`;
    default:
      return unhandled(t);
  }
}

/**
 * The revocation keys a session of `parent` answers to: its parent's, and for a service account
 * also its owner's (revoking a user revokes the sessions of its access keys too). A federated
 * identity's key is its directory user's (federated-users.ts).
 */
export function revocationKeys(parent: SessionParent): string[] {
  switch (parent.kind) {
    case 'root':
      return [targetKey(parent.account, { kind: 'root' })];
    case 'user':
      return [entityKey(parent.account, parent.name)];
    case 'serviceAccount':
      return [
        targetKey(parent.account, { kind: 'serviceAccount', accessKey: parent.accessKey }),
        parent.parent.kind === 'user'
          ? entityKey(parent.account, parent.parent.name)
          : targetKey(parent.account, { kind: 'root' }),
      ];
    case 'role':
      return [roleKey(parent.account, parent.name)];
    case 'federated':
      return [entityKey(parent.account, federatedUserName(parent))];
    default:
      return unhandled(parent);
  }
}

const REVOKED =
  'The security token included in the request was revoked: temporary credentials of this session no longer work.';

/**
 * Session revocations (docs/sts.md "Revocation"), held in memory by every process: the check on
 * the request path is one or two map lookups (none while nothing is revoked). Changes go to the
 * store, which appends a `revocation` change to the feed; every process then reloads the list
 * (it is small: one entry per revoked parent and the capped single sessions).
 */
export class SessionRevocations {
  /** revocation key → "valid after" (sessions issued before it are revoked). */
  #validAfter = new Map<string, number>();
  /** session id or temporary access key → when the entry may be dropped. */
  #sessions = new Map<string, number>();
  readonly #maxSessions: number;
  readonly #maxSessionMs: number;

  constructor(
    private readonly store: IamStore,
    private readonly clock: Clock,
    limits: RevocationLimits = {},
  ) {
    this.#maxSessions = limits.maxSessions ?? DEFAULT_MAX_REVOCATIONS;
    this.#maxSessionMs = limits.maxSessionMs ?? 12 * 3600_000;
  }

  /** Entry counts (parents with a "valid after" time, single sessions). */
  get size(): { parents: number; sessions: number } {
    return { parents: this.#validAfter.size, sessions: this.#sessions.size };
  }

  /**
   * Throws AccessDenied when the session is revoked (AWS answers revoked sessions so). A session
   * issued in the very millisecond of its parent's revocation counts as issued before it.
   */
  check(claims: SessionClaims, parent: SessionParent): void {
    if (this.#sessions.size > 0) {
      if (this.#sessions.has(claims.sessionId) || this.#sessions.has(claims.accessKey)) {
        throw new TesseraError('AccessDenied', REVOKED);
      }
    }
    if (this.#validAfter.size === 0) return;
    for (const key of revocationKeys(parent)) {
      const after = this.#validAfter.get(key);
      if (after !== undefined && claims.issuedAt <= after) throw new TesseraError('AccessDenied', REVOKED);
    }
  }

  /** Replaces the in-memory list with the store's (at start, and on every `revocation` change). */
  async reload(): Promise<void> {
    this.#apply(await this.store.listRevocations(this.clock.now()));
  }

  /**
   * Revokes every session of `target` issued until now, or (with `session`, a session id or a
   * temporary access key id) that one session. Takes effect in this process at once, in the others
   * with the change feed. LimitExceeded when the single-session list is full.
   */
  async revoke(account: string, target: RevocationTarget, session?: string): Promise<{ at: number }> {
    const now = this.clock.now();
    const record: IamRevocationRecord = {
      account,
      parent: targetKey(account, target),
      session: session ?? '',
      at: now,
    };
    if (session !== undefined) record.expiresAt = now + this.#maxSessionMs;
    await this.store.putRevocation(record, { maxSessions: this.#maxSessions, now });
    this.#add(record);
    return { at: now };
  }

  #apply(records: readonly IamRevocationRecord[]): void {
    const validAfter = new Map<string, number>();
    const sessions = new Map<string, number>();
    for (const r of records) {
      if (r.session === '') validAfter.set(r.parent, Math.max(r.at, validAfter.get(r.parent) ?? 0));
      else sessions.set(r.session, r.expiresAt ?? Number.MAX_SAFE_INTEGER);
    }
    this.#validAfter = validAfter;
    this.#sessions = sessions;
  }

  #add(r: IamRevocationRecord): void {
    if (r.session === '') {
      this.#validAfter.set(r.parent, Math.max(r.at, this.#validAfter.get(r.parent) ?? 0));
    } else {
      this.#sessions.set(r.session, r.expiresAt ?? Number.MAX_SAFE_INTEGER);
    }
  }
}
