import { isXmlText, TesseraError } from '../../core/index.js';
import type { LockUpdate, ObjectLock, RetentionMode } from '../../storage/index.js';
import { lockedError } from './removal.js';

/**
 * S3 Object Lock's values as the S3 layer reads and writes them: retention modes, retain-until
 * dates, legal holds, a bucket's default retention, the rules for changing a version's retention,
 * and the condition keys and response headers they make. Pure: the caller passes the server's
 * clock (`now`, epoch milliseconds).
 */

const DAY = 24 * 60 * 60 * 1000;

/** A retention: a mode and the instant (epoch ms) until which it holds. */
export interface Retention {
  mode: RetentionMode;
  retainUntil: number;
}

/** A bucket's default retention (PutObjectLockConfiguration's Rule): a mode and Days xor Years. */
export type DefaultRetention = { mode: RetentionMode } & ({ days: number } | { years: number });

/** The Object Lock a request asks for with x-amz-object-lock-* headers. */
export interface RequestedLock {
  retention?: Retention;
  legalHold?: boolean;
}

export function isRetentionMode(value: string): value is RetentionMode {
  return value === 'GOVERNANCE' || value === 'COMPLIANCE';
}

/** A header's value (the first one when repeated). */
function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function invalidArgument(message: string, name: string, value?: string): TesseraError {
  const detail: Record<string, string> = { ArgumentName: name };
  if (value !== undefined && isXmlText(value)) detail['ArgumentValue'] = value;
  return new TesseraError('InvalidArgument', message, detail);
}

/** ISO 8601 date-time with a zone (what the SDKs and the aws CLI send). */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 date-time as epoch milliseconds, or undefined when it is not one. */
export function parseIsoDate(value: string): number | undefined {
  const text = value.trim();
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text.toUpperCase());
  return Number.isFinite(ms) ? ms : undefined;
}

/** S3's rendering of an instant: ISO 8601 in UTC with milliseconds. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

export const LOCK_HEADERS = [
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
] as const;

/** True when the request carries any x-amz-object-lock-* header. */
export function hasLockHeaders(headers: Record<string, string | string[] | undefined>): boolean {
  return LOCK_HEADERS.some((h) => headerOf(headers, h) !== undefined);
}

/**
 * The lock a PutObject, CopyObject or CreateMultipartUpload asks for, checked as AWS checks the
 * headers: mode and retain-until date come together, the mode is GOVERNANCE or COMPLIANCE, the
 * date is ISO 8601 and in the future, the legal hold is ON or OFF (400 InvalidArgument naming the
 * header). Undefined when the request has none of the headers.
 */
export function parseLockHeaders(
  headers: Record<string, string | string[] | undefined>,
  now: number,
): RequestedLock | undefined {
  const mode = headerOf(headers, 'x-amz-object-lock-mode');
  const until = headerOf(headers, 'x-amz-object-lock-retain-until-date');
  const hold = headerOf(headers, 'x-amz-object-lock-legal-hold');
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const both = 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied.';
  if (mode !== undefined && until === undefined)
    throw invalidArgument(both, 'x-amz-object-lock-retain-until-date');
  if (until !== undefined && mode === undefined) throw invalidArgument(both, 'x-amz-object-lock-mode');
  const requested: RequestedLock = {};
  if (mode !== undefined && until !== undefined) {
    if (!isRetentionMode(mode))
      throw invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
    const retainUntil = parseIsoDate(until);
    if (retainUntil === undefined) {
      throw invalidArgument(
        'The retain until date must be provided in ISO 8601 format',
        'x-amz-object-lock-retain-until-date',
        until,
      );
    }
    if (retainUntil <= now) {
      throw invalidArgument(
        'The retain until date must be in the future!',
        'x-amz-object-lock-retain-until-date',
        until,
      );
    }
    requested.retention = { mode, retainUntil };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF')
      throw invalidArgument(
        "Legal Hold must be either of 'ON' or 'OFF'",
        'x-amz-object-lock-legal-hold',
        hold,
      );
    requested.legalHold = hold === 'ON';
  }
  return requested;
}

/** When a default retention that starts at `now` ends: now + Days, or now + Years (calendar years, UTC). */
export function defaultRetainUntil(rule: DefaultRetention, now: number): number {
  if ('days' in rule) return now + rule.days * DAY;
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + rule.years);
  return d.getTime();
}

/**
 * The Object Lock state of a new version in a bucket with Object Lock: the retention the request
 * named, else the bucket's default retention (starting now); the legal hold the request named.
 * Undefined when it holds nothing.
 */
export function newVersionLock(
  requested: RequestedLock | undefined,
  rule: DefaultRetention | undefined,
  now: number,
): ObjectLock | undefined {
  const lock: ObjectLock = {};
  const retention =
    requested?.retention ??
    (rule === undefined ? undefined : { mode: rule.mode, retainUntil: defaultRetainUntil(rule, now) });
  if (retention !== undefined) {
    lock.mode = retention.mode;
    lock.retainUntil = retention.retainUntil;
  }
  if (requested?.legalHold !== undefined) lock.legalHold = requested.legalHold;
  return Object.keys(lock).length === 0 ? undefined : lock;
}

/** The ObjectLock an upload keeps for its completion: what CreateMultipartUpload's headers asked. */
export function requestedLockState(requested: RequestedLock | undefined): ObjectLock | undefined {
  return newVersionLock(requested, undefined, 0);
}

/** A version's retention, when it has one (expired or not). */
export function retentionOf(lock: ObjectLock | undefined): Retention | undefined {
  if (lock?.mode === undefined || lock.retainUntil === undefined) return undefined;
  return { mode: lock.mode, retainUntil: lock.retainUntil };
}

/**
 * The change PutObjectRetention makes (`next` undefined: remove the retention), as a LockUpdate
 * the store runs inside its transaction on the version's current state:
 * - a version without retention, or whose retention has run out, takes any retention;
 * - the same mode with a retain-until date at least as late (extending) is always allowed;
 * - COMPLIANCE is never shortened, removed or changed to GOVERNANCE — by anyone, root included;
 * - GOVERNANCE is shortened, removed or changed to COMPLIANCE only with `bypassGovernance` (the
 *   request sent x-amz-bypass-governance-retention: true and may s3:BypassGovernanceRetention).
 * A refusal is 403 AccessDenied "Access Denied because object protected by object lock.".
 */
export function retentionUpdate(
  next: Retention | undefined,
  now: number,
  bypassGovernance: boolean,
): LockUpdate {
  return (current) => {
    const held = retentionOf(current);
    if (held !== undefined && held.retainUntil > now) {
      const extends_ = next !== undefined && next.mode === held.mode && next.retainUntil >= held.retainUntil;
      if (!extends_ && (held.mode === 'COMPLIANCE' || !bypassGovernance)) throw lockedError();
    }
    const updated: ObjectLock = {};
    if (next !== undefined) {
      updated.mode = next.mode;
      updated.retainUntil = next.retainUntil;
    }
    if (current.legalHold !== undefined) updated.legalHold = current.legalHold;
    return updated;
  };
}

/** PutObjectLegalHold's change: the legal hold on or off, the retention kept. */
export function legalHoldUpdate(on: boolean): LockUpdate {
  return (current) => {
    const updated: ObjectLock = { ...current };
    // OFF is kept as a state of its own: GetObjectLegalHold then answers Status OFF, as AWS.
    updated.legalHold = on;
    return updated;
  };
}

/** Whole days of retention left at `now` (rounded up; 0 once it has run out). */
export function remainingRetentionDays(retainUntil: number, now: number): number {
  return Math.max(0, Math.ceil((retainUntil - now) / DAY));
}

type Context = Record<string, string | string[]>;

/**
 * The Object Lock condition keys of a retention and legal hold: s3:object-lock-mode,
 * s3:object-lock-retain-until-date, s3:object-lock-remaining-retention-days and
 * s3:object-lock-legal-hold, for those that are given.
 */
export function lockContext(
  lock: { retention?: Retention | undefined; legalHold?: boolean | undefined },
  now: number,
): Context {
  const ctx: Context = {};
  if (lock.retention !== undefined) {
    ctx['s3:object-lock-mode'] = lock.retention.mode;
    ctx['s3:object-lock-retain-until-date'] = isoDate(lock.retention.retainUntil);
    ctx['s3:object-lock-remaining-retention-days'] = String(
      remainingRetentionDays(lock.retention.retainUntil, now),
    );
  }
  if (lock.legalHold !== undefined) ctx['s3:object-lock-legal-hold'] = lock.legalHold ? 'ON' : 'OFF';
  return ctx;
}

/**
 * The condition keys of a write's x-amz-object-lock-* headers (PutObject, CopyObject,
 * CreateMultipartUpload), read leniently: a malformed value is the handler's error to report,
 * so it supplies the keys it can (the mode and legal hold as given, the date only when it parses).
 */
export function lockHeaderContext(
  headers: Record<string, string | string[] | undefined>,
  now: number,
): Context {
  const ctx: Context = {};
  const mode = headerOf(headers, 'x-amz-object-lock-mode');
  const until = headerOf(headers, 'x-amz-object-lock-retain-until-date');
  const hold = headerOf(headers, 'x-amz-object-lock-legal-hold');
  if (mode !== undefined) ctx['s3:object-lock-mode'] = mode;
  if (until !== undefined) {
    const ms = parseIsoDate(until);
    if (ms !== undefined) {
      ctx['s3:object-lock-retain-until-date'] = isoDate(ms);
      ctx['s3:object-lock-remaining-retention-days'] = String(remainingRetentionDays(ms, now));
    }
  }
  if (hold !== undefined) ctx['s3:object-lock-legal-hold'] = hold;
  return ctx;
}

/** True when a write's headers set a retention (s3:PutObjectRetention is also needed). */
export function setsRetention(headers: Record<string, string | string[] | undefined>): boolean {
  return (
    headerOf(headers, 'x-amz-object-lock-mode') !== undefined ||
    headerOf(headers, 'x-amz-object-lock-retain-until-date') !== undefined
  );
}

/** True when a write's headers set a legal hold (s3:PutObjectLegalHold is also needed). */
export function setsLegalHold(headers: Record<string, string | string[] | undefined>): boolean {
  return headerOf(headers, 'x-amz-object-lock-legal-hold') !== undefined;
}

/** CreateBucket's x-amz-bucket-object-lock-enabled: true. */
export function asksObjectLock(headers: Record<string, string | string[] | undefined>): boolean {
  return headerOf(headers, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true';
}

/** x-amz-bypass-governance-retention: true. */
export function asksBypass(headers: Record<string, string | string[] | undefined>): boolean {
  return headerOf(headers, 'x-amz-bypass-governance-retention')?.trim().toLowerCase() === 'true';
}

/**
 * The x-amz-object-lock-* headers of a GET or HEAD: the retention when the caller may read it
 * (s3:GetObjectRetention), the legal hold when the caller may read that (s3:GetObjectLegalHold).
 */
export function lockResponseHeaders(
  lock: ObjectLock | undefined,
  visible: { retention: boolean; legalHold: boolean },
): Record<string, string> {
  const h: Record<string, string> = {};
  const retention = retentionOf(lock);
  if (visible.retention && retention !== undefined) {
    h['x-amz-object-lock-mode'] = retention.mode;
    h['x-amz-object-lock-retain-until-date'] = isoDate(retention.retainUntil);
  }
  if (visible.legalHold && lock?.legalHold !== undefined) {
    h['x-amz-object-lock-legal-hold'] = lock.legalHold ? 'ON' : 'OFF';
  }
  return h;
}
