import { isTesseraError } from '../../core/index.js';
import {
  removeObjectVersioned,
  type Tag,
  type VersionSummary,
  type WriteStores,
} from '../../storage/index.js';
import { removalGuard } from '../object-lock/removal.js';
import { type Candidate, dueAt, scopeMatches, scopeMatchesIgnoringTags } from './match.js';
import { type LifecycleRule as Rule, scopeUsesTags } from './model.js';
import type { LifecycleAction, ScanResult } from './scanner.js';

/** What a walk needs of its scanner. */
export interface WalkContext {
  stores: WriteStores;
  dayMs: number;
  pageSize: number;
  report(a: LifecycleAction): void;
}

/** A key's versions seen so far in a ListObjectVersions walk (newest first). */
interface KeyWalk {
  key: string;
  /** LastModified of the version seen last: the successor of the next one (when it became noncurrent). */
  newerTime: number;
  noncurrentSeen: number;
  /** Versions other than a current delete marker that are still there. */
  remaining: number;
  marker?: VersionSummary;
  tags?: Promise<readonly Tag[]>;
}

/** One bucket's ListObjectVersions walk, key by key. */
export class VersionWalk {
  #key: KeyWalk | undefined;
  readonly #guard;

  constructor(
    private readonly ctx: WalkContext,
    private readonly bucket: string,
    private readonly rules: Rule[],
    private readonly now: number,
    private readonly result: ScanResult,
  ) {
    this.#guard = removalGuard(now, false);
  }

  get #o(): WalkContext {
    return this.ctx;
  }

  async run(): Promise<void> {
    const list = (keyMarker: string, versionIdMarker: string) =>
      this.#o.stores.metadata.listObjectVersions(this.bucket, {
        prefix: '',
        delimiter: '',
        keyMarker,
        versionIdMarker,
        maxKeys: this.#o.pageSize,
      });
    let page = await list('', '');
    for (;;) {
      // Read ahead: a removed version must never be the marker the next page resumes from.
      const next = page.isTruncated
        ? await list(page.nextKeyMarker ?? '', page.nextVersionIdMarker ?? '')
        : undefined;
      for (const v of page.versions) await this.#visit(v);
      if (!next) break;
      page = next;
    }
    await this.#finishKey();
  }

  async #visit(v: VersionSummary): Promise<void> {
    if (this.#key?.key !== v.key) {
      await this.#finishKey();
      this.#key = { key: v.key, newerTime: v.lastModified, noncurrentSeen: 0, remaining: 0 };
    }
    const k = this.#key;
    if (v.isLatest) {
      if (v.deleteMarker) k.marker = v;
      else {
        const gone = await this.#expireCurrent(v, k);
        if (!gone) k.remaining++;
      }
    } else {
      const gone = await this.#expireNoncurrent(v, k);
      k.noncurrentSeen++;
      if (!gone) k.remaining++;
    }
    k.newerTime = v.lastModified;
  }

  /** The rule among `rules` that applies to the version (reading its tags only when one needs them). */
  async #applying(rules: Rule[], v: VersionSummary, k: KeyWalk): Promise<Rule | undefined> {
    const base = { key: v.key, size: v.size };
    for (const r of rules) {
      if (!scopeUsesTags(r.scope)) {
        if (scopeMatches(r.scope, base)) return r;
        continue;
      }
      if (v.deleteMarker || !scopeMatchesIgnoringTags(r.scope, base)) continue;
      const tags = await this.#tagsOf(v, k);
      if (scopeMatches(r.scope, { ...base, tags } satisfies Candidate)) return r;
    }
    return undefined;
  }

  #tagsOf(v: VersionSummary, k: KeyWalk): Promise<readonly Tag[]> {
    if (!v.isLatest)
      return this.#o.stores.metadata.getObject(this.bucket, v.key, v.versionId).then((o) => o?.tags ?? []);
    k.tags ??= this.#o.stores.metadata.getObject(this.bucket, v.key, v.versionId).then((o) => o?.tags ?? []);
    return k.tags;
  }

  /** Removes through the write protocol; false when Object Lock refused or the version changed meanwhile. */
  async #remove(key: string, versionId: string | undefined, ifMatch?: string): Promise<string | false> {
    try {
      const done = await removeObjectVersioned(this.#o.stores, this.bucket, key, versionId, {
        removable: this.#guard,
        ...(ifMatch === undefined ? {} : { ifMatch }),
      });
      return done.versionId ?? '';
    } catch (e) {
      if (isTesseraError(e, 'AccessDenied')) {
        this.result.locked++;
        return false;
      }
      if (isTesseraError(e, 'NoSuchKey') || isTesseraError(e, 'ConditionalRequestConflict')) return false;
      throw e;
    }
  }

  async #expireCurrent(v: VersionSummary, k: KeyWalk): Promise<boolean> {
    const due = this.rules.filter((r) => {
      const e = r.expiration;
      if (e?.kind === 'days') return dueAt(v.lastModified, e.days, this.#o.dayMs) <= this.now;
      return e?.kind === 'date' && e.date <= this.now;
    });
    const rule = due.length === 0 ? undefined : await this.#applying(due, v, k);
    if (!rule) return false;
    // As DeleteObject without a version id: by the bucket's versioning (a delete marker, or gone).
    const written = await this.#remove(v.key, undefined, v.etag);
    if (written === false) return false;
    this.result.expired++;
    const action: LifecycleAction = {
      action: 'expire',
      operation: written === '' ? 'S3.EXPIRE.OBJECT' : 'S3.CREATE.DELETEMARKER',
      bucket: this.bucket,
      key: v.key,
      ruleId: rule.id,
      time: this.now,
    };
    if (written !== '') action.versionId = written;
    this.ctx.report(action);
    // Gone unless a delete marker now hides it (a Suspended bucket's 'null' marker replaces a 'null' version).
    return written === '' || (written === 'null' && v.versionId === 'null');
  }

  async #expireNoncurrent(v: VersionSummary, k: KeyWalk): Promise<boolean> {
    const due = this.rules.filter((r) => {
      const n = r.noncurrentExpiration;
      if (n === undefined) return false;
      if (n.newerNoncurrentVersions !== undefined && k.noncurrentSeen < n.newerNoncurrentVersions)
        return false;
      return dueAt(k.newerTime, n.noncurrentDays, this.#o.dayMs) <= this.now;
    });
    const rule = due.length === 0 ? undefined : await this.#applying(due, v, k);
    if (!rule) return false;
    if ((await this.#remove(v.key, v.versionId)) === false) return false;
    this.result.noncurrentExpired++;
    this.ctx.report({
      action: 'expireNoncurrent',
      operation: 'S3.EXPIRE.OBJECT',
      bucket: this.bucket,
      key: v.key,
      versionId: v.versionId,
      ruleId: rule.id,
      time: this.now,
    });
    return true;
  }

  /** A current delete marker with no version left beneath it: ExpiredObjectDeleteMarker, or Days. */
  async #finishKey(): Promise<void> {
    const k = this.#key;
    this.#key = undefined;
    const m = k?.marker;
    if (!k || !m || k.remaining > 0) return;
    const rule = this.rules.find((r) => {
      const e = r.expiration;
      const applies =
        (e?.kind === 'deleteMarker' && e.expired) ||
        // "When you specify the Days tag, Amazon S3 automatically performs ExpiredObjectDeleteMarker
        // cleanup when the delete markers are old enough to satisfy the age criteria."
        (e?.kind === 'days' && dueAt(m.lastModified, e.days, this.#o.dayMs) <= this.now);
      return applies && scopeMatches(r.scope, { key: k.key, size: 0, tags: [] });
    });
    if (!rule || (await this.#remove(k.key, m.versionId)) === false) return;
    this.result.deleteMarkersRemoved++;
    this.ctx.report({
      action: 'removeDeleteMarker',
      operation: 'S3.EXPIRE.OBJECT',
      bucket: this.bucket,
      key: k.key,
      versionId: m.versionId,
      ruleId: rule.id,
      time: this.now,
    });
  }
}
