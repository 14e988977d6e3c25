import type Database from 'better-sqlite3';
import { isTesseraError, newVersionId, TesseraError } from '../../core/index.js';
import {
  NULL_VERSION_ID,
  type ObjectDelete,
  type ObjectRecord,
  type ObjectWrite,
  type RemovalGuard,
} from '../types.js';
import { Checkpointer } from './checkpointer.js';
import { GroupSync } from './group-sync.js';
import { type OpenOptions, openDatabase } from './schema.js';
import { blobIdsOf, markerParams, objectParams, parseLock } from './sqlite-rows.js';
import { type ObjectRefRow, prepareStatements, type Statements } from './sqlite-statements.js';
import { WalFile } from './wal-file.js';
import { WriteBatch } from './write-batch.js';

/** SQLite result codes meaning "another connection holds the lock" (after busy_timeout). */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The checkpoint thread starts after this many writes (a store that writes little needs none). */
const CHECKPOINT_THREAD_AFTER = 256;
/** SQLite's own checkpoint, in the commit, only if the thread falls this far behind (pages). */
const SAFETY_AUTOCHECKPOINT = 10_000;

/** Lock timeouts become SlowDown (503, retryable); any other error is returned as it is. */
function busyToSlowDown(e: unknown): unknown {
  if (!isTesseraError(e) && isBusy(e)) {
    return new TesseraError('SlowDown', undefined, { Reason: String((e as Error).message) });
  }
  return e;
}

/**
 * The connection, statements and transaction helpers shared by the SQLite store's parts.
 * better-sqlite3 is synchronous: each port method runs its statements to completion on the event
 * loop, so one connection per process needs no locking of its own; other processes are kept out
 * by SQLite's file locks (BEGIN IMMEDIATE + busy_timeout). Writes are batched and group-committed:
 * one transaction per loop turn (write-batch.ts), synchronous=NORMAL, and a write resolves after
 * the fdatasync of the WAL that covers it (group-sync.ts).
 */
export class SqliteBase {
  protected readonly db: Database.Database;
  protected readonly s: Statements;
  readonly #tx: Database.Transaction<(fn: () => unknown) => unknown>;
  readonly #sync: GroupSync;
  readonly #batch: WriteBatch;
  readonly #wal: WalFile | undefined;
  #checkpointer: Checkpointer | undefined;
  /** Writes until the checkpoint thread starts; never when the options turn it off. */
  #untilCheckpointer: number;

  constructor(file: string, options: OpenOptions = {}) {
    this.db = openDatabase(file, options, 'NORMAL');
    this.#untilCheckpointer = options.checkpointThread === false ? Infinity : CHECKPOINT_THREAD_AFTER;
    this.s = prepareStatements(this.db);
    this.#tx = this.db.transaction((fn: () => unknown) => fn());
    if (options.walSync === undefined) this.#wal = new WalFile(`${this.db.name}-wal`);
    const wal = this.#wal;
    this.#sync = new GroupSync(options.walSync ?? (() => wal!.sync()), options.onSyncFailure);
    this.#batch = new WriteBatch(this.db, this.#sync, busyToSlowDown);
  }

  /**
   * Runs `fn` inside a write transaction (BEGIN IMMEDIATE: read-modify-write takes the write lock
   * first), batched with the other writes of this loop turn; resolves with its value once the
   * commit is durable, or rejects with its error (its changes rolled back, nothing to sync).
   */
  protected write<T>(fn: () => T): Promise<T> {
    if (--this.#untilCheckpointer === 0) {
      this.db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT}`);
      this.#checkpointer = new Checkpointer(this.db.name);
    }
    return this.#batch.run(fn);
  }

  /** Runs `fn` in a read transaction: one consistent snapshot for several statements. */
  protected read<T>(fn: () => T): T {
    return this.guard(() => this.#tx.deferred(fn) as T);
  }

  /** Maps lock timeouts to SlowDown (503, retryable); everything else propagates. */
  protected guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw busyToSlowDown(e);
    }
  }

  /** Of `blobIds`, those that no object and no part references any more. */
  protected unreferenced(blobIds: readonly string[]): string[] {
    if (blobIds.length === 0) return [];
    const out: string[] = [];
    for (const id of new Set(blobIds)) if (this.s.blobReferenced.get(id, id) === 0) out.push(id);
    return out;
  }

  /**
   * Commits `record` as the current version of its key (inside a write transaction), by the
   * bucket's versioning state (MetadataStore.putObjectVersioned); returns the version id and the
   * freed blob ids.
   */
  protected commitObject(record: ObjectRecord): ObjectWrite {
    const state = this.s.bucketVersioning.get(record.bucket);
    if (state === undefined) throw new TesseraError('NoSuchBucket', undefined, { BucketName: record.bucket });
    const versionId = state === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
    if (record.versionId !== undefined && record.versionId !== versionId) {
      throw new TesseraError(
        'InternalError',
        state === 'Enabled'
          ? `version ${record.versionId} given for a new version of a versioning-enabled bucket`
          : `cannot write version ${record.versionId} of an unversioned object`,
      );
    }
    if (state === null) return { versionId, released: this.#replaceNull(record) };
    // Enabled: nothing is replaced. Suspended: the 'null' version (wherever it is) goes, and the
    // new one is inserted as the newest version (a larger id: S3 orders it first).
    const released =
      state === 'Suspended' ? this.#removeRow(record.bucket, record.key, versionId, undefined) : [];
    this.s.demoteCurrent.run(record.bucket, record.key);
    const row = this.s.insertVersion.get({ ...objectParams(record, versionId), delete_marker: 0 });
    if (row === undefined) throw new TesseraError('NoSuchBucket', undefined, { BucketName: record.bucket });
    this.#referenceBlobs(record, row);
    return { versionId, released };
  }

  /** A bucket that never had versioning: the 'null' version replaces itself in place (as before versioning). */
  #replaceNull(record: ObjectRecord): string[] {
    const old = this.s.objectVersionRefs.get(record.bucket, record.key, NULL_VERSION_ID);
    const oldBlobs = old === undefined ? [] : blobIdsOf(old.segments);
    if (old !== undefined && oldBlobs.length > 0) this.s.deleteObjectBlobs.run(old.id);
    const row = this.s.upsertObject.get(objectParams(record, NULL_VERSION_ID));
    if (row === undefined) throw new TesseraError('NoSuchBucket', undefined, { BucketName: record.bucket });
    this.#referenceBlobs(record, row);
    return this.unreferenced(oldBlobs);
  }

  #referenceBlobs(record: ObjectRecord, row: { id: number; account: string }): void {
    if (record.data.kind === 'blobs') {
      for (const segment of record.data.segments)
        this.s.insertObjectBlob.run(segment.blobId, row.id, row.account);
    }
  }

  /**
   * Removes one version row for good (if it was current, the newest remaining version becomes
   * current); returns its freed blob ids. Nothing when it does not exist.
   */
  #removeRow(
    bucket: string,
    key: string,
    versionId: string | undefined,
    guard: RemovalGuard | undefined,
  ): string[] {
    return this.#remove(
      bucket,
      key,
      versionId === undefined
        ? this.s.objectRefs.get(bucket, key)
        : this.s.objectVersionRefs.get(bucket, key, versionId),
      guard,
    );
  }

  #remove(bucket: string, key: string, old: ObjectRefRow | undefined, guard?: RemovalGuard): string[] {
    if (old === undefined) return [];
    if (guard !== undefined && old.delete_marker === 0) guard(parseLock(old.object_lock));
    this.s.deleteObjectBlobs.run(old.id);
    this.s.deleteObject.run(old.id);
    if (old.is_latest === 1) this.s.promoteNewest.run(bucket, key);
    return this.unreferenced(blobIdsOf(old.segments));
  }

  /**
   * DeleteObject inside a write transaction (MetadataStore.deleteObjectVersioned): removes the
   * named version, or by the bucket's versioning state the current version (never configured)
   * or puts a delete marker on top (Enabled: fresh id; Suspended: 'null', replacing the 'null'
   * version).
   */
  protected removeObject(
    bucket: string,
    key: string,
    versionId: string | undefined,
    now: number = Date.now(),
    guard?: RemovalGuard,
  ): ObjectDelete {
    if (versionId !== undefined) {
      const old = this.s.objectVersionRefs.get(bucket, key, versionId);
      const released = this.#remove(bucket, key, old, guard);
      return { versionId, deleteMarker: old?.delete_marker === 1, released };
    }
    const state = this.s.bucketVersioning.get(bucket);
    if (state === undefined || state === null) {
      return { deleteMarker: false, released: this.#removeRow(bucket, key, undefined, guard) };
    }
    const markerId = state === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
    const released = state === 'Suspended' ? this.#removeRow(bucket, key, NULL_VERSION_ID, guard) : [];
    this.s.demoteCurrent.run(bucket, key);
    this.s.insertVersion.run(markerParams(bucket, key, markerId, now));
    return { versionId: markerId, deleteMarker: true, released };
  }

  /** Every blob id an object or part references (may repeat); paged so no statement stays open. */
  async *referencedBlobIds(): AsyncIterable<string> {
    const page = 1000;
    for (const statement of [this.s.objectBlobPage, this.s.partBlobPage]) {
      let last = '';
      for (;;) {
        const ids = this.guard(() => statement.all(last, page));
        yield* ids;
        if (ids.length < page) break;
        last = ids[ids.length - 1]!;
      }
    }
  }

  async unreferencedBlobIds(blobIds: readonly string[]): Promise<string[]> {
    return this.read(() => this.unreferenced(blobIds));
  }

  async markDamaged(bucket: string, key: string, versionId: string, damage: string): Promise<boolean> {
    return this.write(() => this.s.markDamaged.run(damage, bucket, key, versionId).changes > 0);
  }

  /** Closes the connection after the pending group sync has run (its writes resolve first). */
  async close(): Promise<void> {
    this.#untilCheckpointer = Infinity;
    await this.#checkpointer?.close();
    // Checked and closed in one step: a write that commits meanwhile is waited for too.
    while (this.#batch.busy || this.#sync.busy)
      await (this.#batch.busy ? this.#batch.idle() : this.#sync.idle());
    if (this.db.open) this.db.close();
    await this.#wal?.close();
  }
}
