import { TesseraError } from '../../core/index.js';
import {
  type BlobStore,
  isDeleteMarker,
  type MetadataStore,
  type StoredObject,
} from '../../storage/index.js';
import type { DamageKind, DamageSink } from '../object-reader.js';
import { encryptedSize } from '../sse/format.js';
import { type BlobProblem, inspectBlob, inspectInline, objectExpectations, plain } from './inspect.js';
import { decodeMarker, encodeMarker, SCAN_START, type ScanMarker, type ScanPhase } from './marker.js';

/** One finding of a scan (docs/operations.md "tessera admin scan"). */
export interface ScanFinding {
  readonly kind: DamageKind | 'orphan';
  readonly blobId: string;
  readonly detail: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly uploadId?: string;
  readonly partNumber?: number;
  /** Orphans: the file's size and modification time. */
  readonly size?: number;
  readonly modifiedAt?: string;
  /** The version is quarantined (by this page, or by an earlier scan). */
  quarantined?: boolean;
}

export interface ScanRequest {
  /** Only this bucket (its versions and uploads; orphans are store-wide and then not looked for). */
  readonly bucket?: string | undefined;
  readonly verifyChecksums?: boolean;
  readonly quarantine?: boolean;
  /** Where the previous page stopped ('' or absent: from the start). */
  readonly marker?: string | null | undefined;
  /** Items (versions, parts, blob files) per page, 1–1000 (default 100). */
  readonly limit?: number | undefined;
}

export interface ScanPage {
  /** Absent when the scan is complete. */
  readonly marker?: string;
  readonly phase: ScanPhase;
  /** A rough share of the whole scan done, 0–1 (by bucket, then by blob shard), for progress bars. */
  readonly progress: number;
  readonly scanned: { versions: number; parts: number; blobs: number; bytesVerified: number };
  readonly findings: ScanFinding[];
}

export interface ScanServiceOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  /** Where damage found goes (the log and the damage counter). */
  readonly report?: DamageSink;
  /** A blob file younger than this may be one being written right now: not an orphan (10 min). */
  readonly orphanMinAgeMs?: number;
  /** Bytes a page reads to verify digests before it stops early (256 MiB). */
  readonly maxBytesPerPage?: number;
  readonly now?: () => number;
}

export const DEFAULT_ORPHAN_MIN_AGE_MS = 10 * 60 * 1000;
const SHARDS = 256;

interface Page {
  budget: number;
  m: ScanMarker;
  readonly req: ScanRequest;
  readonly out: ScanPage;
}

/**
 * `tessera admin scan`, one bounded page at a time: each call inspects up to `limit` items from
 * the marker on and says where to go on. Read-only, except that `quarantine` marks damaged
 * versions so that reads refuse them. Orphaned blob files are reported, never deleted.
 */
export class ScanService {
  readonly #o: ScanServiceOptions;

  constructor(options: ScanServiceOptions) {
    this.#o = options;
  }

  async page(req: ScanRequest): Promise<ScanPage> {
    const limit = req.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new TesseraError('InvalidArgument', 'limit must be an integer from 1 to 1000.');
    let m = decodeMarker(req.marker);
    if (req.bucket !== undefined) {
      if ((await this.#o.metadata.getBucket(req.bucket)) === undefined)
        throw new TesseraError('NoSuchBucket');
      if (m === SCAN_START) m = { ...m, bucket: req.bucket };
      // A marker of another scan (another bucket, or the store-wide blob walk) is not this one's.
      else if (m.phase === 'orphans' || m.bucket !== req.bucket)
        throw new TesseraError('InvalidArgument', 'The scan marker belongs to another scan.');
    }
    const out: ScanPage = {
      phase: m.phase,
      progress: 0,
      scanned: { versions: 0, parts: 0, blobs: 0, bytesVerified: 0 },
      findings: [],
    };
    const p: Page = { budget: limit, m, req, out };
    while (p.budget > 0 && p.m.shard < SHARDS && !this.#full(p)) {
      if (p.m.phase === 'objects') await this.#objects(p);
      else if (p.m.phase === 'uploads') await this.#uploads(p);
      else await this.#orphans(p);
    }
    const done = p.m.shard >= SHARDS;
    const progress = done ? 1 : await this.#progress(p);
    return { ...out, phase: p.m.phase, progress, ...(done ? {} : { marker: encodeMarker(p.m) }) };
  }

  /** Objects take the first half, uploads a tenth, the blob shards the rest (one bucket: no shards). */
  async #progress(p: Page): Promise<number> {
    const m = p.m;
    if (m.phase === 'orphans') return 0.6 + (0.4 * m.shard) / SHARDS;
    const names =
      p.req.bucket === undefined
        ? (await this.#o.metadata.listBuckets()).map((b) => b.name).sort()
        : [m.bucket];
    const share = names.length === 0 ? 0 : Math.max(0, names.indexOf(m.bucket)) / names.length;
    const scale = p.req.bucket === undefined ? 1 : 1 / 0.6;
    return Math.min(0.99, (m.phase === 'objects' ? 0.5 * share : 0.5 + 0.1 * share) * scale);
  }

  #full(p: Page): boolean {
    return p.out.scanned.bytesVerified >= (this.#o.maxBytesPerPage ?? 256 * 1024 * 1024);
  }

  /** The bucket after `name` (the first with ''), or undefined. */
  async #nextBucket(p: Page, name: string): Promise<string | undefined> {
    if (p.req.bucket !== undefined) return name === '' ? p.req.bucket : undefined;
    const all = (await this.#o.metadata.listBuckets()).map((b) => b.name).sort();
    return all.find((b) => b > name);
  }

  /** Moves to the next bucket of this phase, or to the next phase. */
  async #advance(p: Page): Promise<void> {
    const next = await this.#nextBucket(p, p.m.bucket);
    if (next !== undefined) {
      p.m = { ...p.m, bucket: next, keyMarker: '', idMarker: '' };
      return;
    }
    if (p.m.phase === 'objects') {
      p.m = {
        ...p.m,
        phase: 'uploads',
        bucket: (await this.#nextBucket(p, '')) ?? '',
        keyMarker: '',
        idMarker: '',
      };
    } else {
      // Orphans are store-wide: a scan of one bucket ends with its uploads.
      p.m = { ...p.m, phase: 'orphans', bucket: '', shard: p.req.bucket === undefined ? 0 : SHARDS };
    }
  }

  async #objects(p: Page): Promise<void> {
    const meta = this.#o.metadata;
    if (p.m.bucket === '') {
      const first = await this.#nextBucket(p, '');
      if (first === undefined) return this.#advance(p);
      p.m = { ...p.m, bucket: first };
    }
    const bucket = p.m.bucket;
    if ((await meta.getBucket(bucket)) === undefined) return this.#advance(p);
    const page = await meta.listObjectVersions(bucket, {
      prefix: '',
      delimiter: '',
      keyMarker: p.m.keyMarker,
      versionIdMarker: p.m.idMarker,
      maxKeys: p.budget,
    });
    let last: { key: string; versionId: string } | undefined;
    for (const v of page.versions) {
      // Enough bytes read for one request: the next page resumes after the last version done.
      if (last !== undefined && this.#full(p)) {
        p.m = { ...p.m, keyMarker: last.key, idMarker: last.versionId };
        return;
      }
      last = v;
      p.budget--;
      if (v.deleteMarker) continue;
      p.out.scanned.versions++;
      const record = await meta.lookupObject(bucket, v.key, v.versionId);
      if (record === undefined || isDeleteMarker(record)) continue;
      await this.#object(p, record);
    }
    if (page.isTruncated && page.nextKeyMarker !== undefined) {
      p.m = { ...p.m, keyMarker: page.nextKeyMarker, idMarker: page.nextVersionIdMarker ?? '' };
    } else await this.#advance(p);
  }

  async #object(p: Page, record: StoredObject): Promise<void> {
    const verify = p.req.verifyChecksums === true;
    let problem: BlobProblem | undefined = verify ? inspectInline(record) : undefined;
    for (const want of objectExpectations(record)) {
      if (problem !== undefined) break;
      p.out.scanned.blobs++;
      const r = await inspectBlob(this.#o.blobs, want, verify);
      p.out.scanned.bytesVerified += r.bytesRead;
      problem = r.problem;
    }
    if (problem === undefined) return;
    // A blob gone because the version was overwritten or deleted meanwhile is a race, not damage.
    if (problem.kind === 'missing' && !(await this.#unchanged(record))) return;
    const { bucket, key, versionId } = record;
    const finding: ScanFinding = { ...problem, bucket, key, versionId };
    this.#o.report?.({ ...problem, bucket, key, versionId });
    if (record.damage !== undefined) finding.quarantined = true;
    else if (p.req.quarantine === true) {
      const note = `${problem.kind}: blob ${problem.blobId} (${problem.detail})`;
      finding.quarantined = await this.#o.metadata.markDamaged(bucket, key, versionId, note);
    }
    p.out.findings.push(finding);
  }

  async #unchanged(record: StoredObject): Promise<boolean> {
    const again = await this.#o.metadata.getObject(record.bucket, record.key, record.versionId);
    return again !== undefined && JSON.stringify(again.data) === JSON.stringify(record.data);
  }

  async #uploads(p: Page): Promise<void> {
    const meta = this.#o.metadata;
    if (p.m.bucket === '' || (await meta.getBucket(p.m.bucket)) === undefined) return this.#advance(p);
    const page = await meta.listUploads({
      bucket: p.m.bucket,
      prefix: '',
      delimiter: '',
      keyMarker: p.m.keyMarker,
      uploadIdMarker: p.m.idMarker,
      maxUploads: p.budget,
    });
    const verify = p.req.verifyChecksums === true;
    let last: { key: string; uploadId: string } | undefined;
    for (const u of page.uploads) {
      if (last !== undefined && this.#full(p)) {
        p.m = { ...p.m, keyMarker: last.key, idMarker: last.uploadId };
        return;
      }
      last = u;
      p.budget--;
      for (const part of await meta.getParts(u.uploadId)) {
        p.out.scanned.parts++;
        p.out.scanned.blobs++;
        // An encrypted upload's part blob is its sealed sequence: its size only (docs/encryption.md).
        const want =
          u.sse === undefined
            ? { blobId: part.blobId, size: part.size, md5: part.etag, checksum: plain(part.checksum) }
            : { blobId: part.blobId, size: encryptedSize(part.size) };
        const r = await inspectBlob(this.#o.blobs, want, verify);
        p.out.scanned.bytesVerified += r.bytesRead;
        if (r.problem === undefined) continue;
        // Gone with its upload (completed or aborted meanwhile): not damage.
        if (r.problem.kind === 'missing' && (await meta.getUpload(u.bucket, u.key, u.uploadId)) === undefined)
          continue;
        const where = { bucket: u.bucket, key: u.key, uploadId: u.uploadId, partNumber: part.partNumber };
        this.#o.report?.({ ...r.problem, ...where });
        p.out.findings.push({ ...r.problem, ...where });
      }
    }
    if (page.isTruncated && page.nextKeyMarker !== undefined) {
      p.m = { ...p.m, keyMarker: page.nextKeyMarker, idMarker: page.nextUploadIdMarker ?? '' };
    } else await this.#advance(p);
  }

  async #orphans(p: Page): Promise<void> {
    const shard = p.m.shard.toString(16).padStart(2, '0');
    const files = await this.#o.blobs.listShard(shard);
    p.budget -= Math.max(1, files.length);
    p.m = { ...p.m, shard: p.m.shard + 1 };
    const before = (this.#o.now ?? Date.now)() - (this.#o.orphanMinAgeMs ?? DEFAULT_ORPHAN_MIN_AGE_MS);
    const old = files.filter((f) => f.modifiedAt < before);
    for (let i = 0; i < old.length; i += 500) {
      const batch = old.slice(i, i + 500);
      const orphans = new Set(await this.#o.metadata.unreferencedBlobIds(batch.map((f) => f.blobId)));
      for (const f of batch) {
        if (!orphans.has(f.blobId)) continue;
        const detail = 'no object version or upload part references it';
        const modifiedAt = new Date(f.modifiedAt).toISOString();
        p.out.findings.push({ kind: 'orphan', blobId: f.blobId, detail, size: f.size, modifiedAt });
      }
    }
  }
}
