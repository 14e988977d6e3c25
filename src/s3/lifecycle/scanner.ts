import { isTesseraError } from '../../core/index.js';
import {
  type BucketRecord,
  type MetadataStore,
  removeUpload,
  type WriteStores,
} from '../../storage/index.js';
import { DAY_MS, dueAt, scopeMatches } from './match.js';
import { deserializeLifecycle, type LifecycleRule } from './model.js';
import { VersionWalk } from './version-walk.js';

/** One action the scanner took, logged as the delete or abort it is. */
export interface LifecycleAction {
  action: 'expire' | 'expireNoncurrent' | 'removeDeleteMarker' | 'abortUpload';
  /** The operation as AWS's server access log names lifecycle actions. */
  operation: 'S3.EXPIRE.OBJECT' | 'S3.CREATE.DELETEMARKER' | 'S3.DELETE.UPLOAD';
  bucket: string;
  key: string;
  /** The version removed (expireNoncurrent, removeDeleteMarker), or the delete marker written (expire). */
  versionId?: string;
  uploadId?: string;
  ruleId: string;
  time: number;
}

/** What one pass did. */
export interface ScanResult {
  /** Buckets with at least one Enabled rule. */
  buckets: number;
  /** Current versions expired (removed, or hidden under a delete marker). */
  expired: number;
  noncurrentExpired: number;
  deleteMarkersRemoved: number;
  uploadsAborted: number;
  /** Versions Object Lock kept (legal hold, retention not yet over). */
  locked: number;
  /** Buckets whose pass failed (reported through onError). */
  errors: number;
}

export interface ScannerOptions {
  stores: WriteStores;
  /** How long "one day" of a rule is (TESSERA_LIFECYCLE_DAY); AWS's day by default. */
  dayMs?: number;
  /** Time between passes (TESSERA_LIFECYCLE_INTERVAL); start() needs it. */
  intervalMs?: number;
  now?: () => number;
  /** Listing page size. */
  pageSize?: number;
  /**
   * Server-wide expiry of incomplete multipart uploads, in every bucket, lifecycle or not
   * (TESSERA_STALE_UPLOAD_EXPIRY; docs/operations.md). Undefined: none.
   */
  staleUploadMs?: number;
  onAction?: (a: LifecycleAction) => void;
  onError?: (e: unknown, bucket: string) => void;
}

type Rule = LifecycleRule;

/** The rule id a server-wide stale-upload abort is reported under. */
export const STALE_RULE = 'tessera-stale-uploads';

/**
 * The lifecycle scanner: for every bucket with Enabled rules, expires current versions
 * (Expiration Days/Date), noncurrent versions (NoncurrentVersionExpiration), delete markers left
 * alone (ExpiredObjectDeleteMarker, or Expiration Days once old enough) and incomplete multipart
 * uploads (AbortIncompleteMultipartUpload). It walks the listings page by page, removes through
 * storage's write protocol and never removes what Object Lock protects.
 */
export class LifecycleScanner {
  readonly #o: Required<Pick<ScannerOptions, 'dayMs' | 'pageSize' | 'now'>> & ScannerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ScanResult> | undefined;
  #stopped = false;

  constructor(options: ScannerOptions) {
    this.#o = { dayMs: DAY_MS, pageSize: 1000, now: Date.now, ...options };
  }

  get #metadata(): MetadataStore {
    return this.#o.stores.metadata;
  }

  /** Runs a pass soon, then one every intervalMs, until stop(). */
  start(): void {
    const interval = this.#o.intervalMs;
    if (interval === undefined || interval <= 0) throw new Error('the lifecycle scanner needs an interval');
    if (this.#timer !== undefined) return;
    const schedule = (ms: number) => {
      this.#timer = setTimeout(() => {
        void this.runOnce()
          .catch((e) => this.#o.onError?.(e, ''))
          .finally(() => {
            if (!this.#stopped) schedule(interval);
          });
      }, ms);
      this.#timer.unref();
    };
    schedule(Math.min(interval, 1000));
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** One pass over every bucket (a pass already running is joined, not doubled). */
  runOnce(): Promise<ScanResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<ScanResult> {
    const result: ScanResult = {
      buckets: 0,
      expired: 0,
      noncurrentExpired: 0,
      deleteMarkersRemoved: 0,
      uploadsAborted: 0,
      locked: 0,
      errors: 0,
    };
    for (const bucket of await this.#metadata.listBuckets()) {
      if (this.#stopped) break;
      try {
        await this.#scanBucket(bucket, result);
      } catch (e) {
        if (isTesseraError(e, 'NoSuchBucket')) continue;
        result.errors++;
        this.#o.onError?.(e, bucket.name);
      }
    }
    return result;
  }

  async #scanBucket(bucket: BucketRecord, result: ScanResult): Promise<void> {
    const doc = await this.#metadata.getBucketConfig(bucket.name, 'lifecycle');
    const rules = doc === undefined ? [] : deserializeLifecycle(doc).rules.filter((r) => r.enabled);
    const stale = this.#o.staleUploadMs;
    if (rules.length === 0 && stale === undefined) return;
    if (rules.length > 0) result.buckets++;
    const now = this.#o.now();
    if (stale !== undefined || rules.some((r) => r.abortAfterDays !== undefined))
      await this.#abortUploads(bucket.name, rules, now, result);
    if (rules.some((r) => r.expiration !== undefined || r.noncurrentExpiration !== undefined))
      await new VersionWalk(
        { ...this.#o, report: (a) => this.#report(a) },
        bucket.name,
        rules,
        now,
        result,
      ).run();
  }

  async #abortUploads(bucket: string, rules: Rule[], now: number, result: ScanResult): Promise<void> {
    const list = (keyMarker: string, uploadIdMarker: string) =>
      this.#metadata.listUploads({
        bucket,
        prefix: '',
        delimiter: '',
        keyMarker,
        uploadIdMarker,
        maxUploads: this.#o.pageSize,
      });
    let page = await list('', '');
    for (;;) {
      // The next page is read before this one's uploads go, so its markers still exist.
      const next = page.isTruncated
        ? await list(page.nextKeyMarker ?? '', page.nextUploadIdMarker ?? '')
        : undefined;
      for (const u of page.uploads) {
        const rule = rules.find(
          (r) =>
            r.abortAfterDays !== undefined &&
            scopeMatches(r.scope, { key: u.key, size: 0, tags: [] }) &&
            dueAt(u.initiatedAt, r.abortAfterDays, this.#o.dayMs) <= now,
        );
        const stale = this.#o.staleUploadMs;
        const ruleId =
          rule?.id ?? (stale !== undefined && u.initiatedAt + stale <= now ? STALE_RULE : undefined);
        if (ruleId === undefined) continue;
        try {
          await removeUpload(this.#o.stores, bucket, u.key, u.uploadId);
        } catch (e) {
          if (isTesseraError(e, 'NoSuchUpload')) continue;
          throw e;
        }
        result.uploadsAborted++;
        this.#report({
          action: 'abortUpload',
          operation: 'S3.DELETE.UPLOAD',
          bucket,
          key: u.key,
          uploadId: u.uploadId,
          ruleId,
          time: now,
        });
      }
      if (!next) return;
      page = next;
    }
  }

  #report(a: LifecycleAction): void {
    this.#o.onAction?.(a);
  }
}
