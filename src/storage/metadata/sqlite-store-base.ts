import type Database from 'better-sqlite3';
import { isTesseraError, TesseraError } from '../../core/index.js';
import { NULL_VERSION_ID, type ObjectRecord } from '../types.js';
import { type OpenOptions, openDatabase } from './schema.js';
import { blobIdsOf, objectParams } from './sqlite-rows.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';

/** SQLite result codes meaning "another connection holds the lock" (after busy_timeout). */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The connection, statements and transaction helpers shared by the SQLite store's parts.
 * better-sqlite3 is synchronous: each port method runs to completion on the event loop, so one
 * connection per process needs no locking of its own; other processes are kept out by SQLite's
 * file locks (BEGIN IMMEDIATE + busy_timeout).
 */
export class SqliteBase {
  protected readonly db: Database.Database;
  protected readonly s: Statements;
  readonly #tx: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(file: string, options: OpenOptions = {}) {
    this.db = openDatabase(file, options);
    this.s = prepareStatements(this.db);
    this.#tx = this.db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (read-modify-write: takes the write lock first). */
  protected write<T>(fn: () => T): T {
    return this.guard(() => this.#tx.immediate(fn) as T);
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
      if (!isTesseraError(e) && isBusy(e)) {
        throw new TesseraError('SlowDown', undefined, { Reason: String((e as Error).message) });
      }
      throw e;
    }
  }

  /** Of `blobIds`, those that no object and no part references any more. */
  protected unreferenced(blobIds: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of new Set(blobIds)) if (this.s.blobReferenced.get(id, id) === 0) out.push(id);
    return out;
  }

  /**
   * Commits `record` as the current version of its key (inside a write transaction); returns the
   * freed blob ids. Buckets are unversioned: the version written is 'null', replacing the
   * previous 'null' version.
   */
  protected commitObject(record: ObjectRecord): string[] {
    const versionId = NULL_VERSION_ID;
    if (record.versionId !== undefined && record.versionId !== versionId) {
      throw new TesseraError(
        'InternalError',
        `cannot write version ${record.versionId} of an unversioned object`,
      );
    }
    const old = this.s.objectVersionRefs.get(record.bucket, record.key, versionId);
    const oldBlobs = old === undefined ? [] : blobIdsOf(old.segments);
    if (old !== undefined && oldBlobs.length > 0) this.s.deleteObjectBlobs.run(old.id);
    const row = this.s.upsertObject.get(objectParams(record, versionId));
    if (row === undefined) throw new TesseraError('NoSuchBucket', undefined, { BucketName: record.bucket });
    if (record.data.kind === 'blobs') {
      for (const segment of record.data.segments)
        this.s.insertObjectBlob.run(segment.blobId, row.id, row.account);
    }
    return this.unreferenced(oldBlobs);
  }

  /** Removes one version (the current one when `versionId` is undefined) inside a write transaction; returns freed blob ids. */
  protected removeObject(bucket: string, key: string, versionId: string | undefined): string[] {
    const old =
      versionId === undefined
        ? this.s.objectRefs.get(bucket, key)
        : this.s.objectVersionRefs.get(bucket, key, versionId);
    if (old === undefined) return [];
    this.s.deleteObjectBlobs.run(old.id);
    this.s.deleteObject.run(old.id);
    return this.unreferenced(blobIdsOf(old.segments));
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

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
