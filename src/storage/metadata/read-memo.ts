import type Database from 'better-sqlite3';
import type { ObjectRead } from '../types.js';

export interface ReadMemoLimits {
  /** Answers kept at most (0: no memo). */
  entries: number;
  /** Bytes of inline object data kept at most (small objects live in their metadata row). */
  inlineBytes: number;
}

/** TESSERA_METADATA_CACHE_ENTRIES' default; inline bytes are bounded by DEFAULT_INLINE_BYTES. */
export const DEFAULT_MEMO_ENTRIES = 4096;
const DEFAULT_INLINE_BYTES = 16 * 1024 * 1024;

/**
 * The latest `readObject` answers of one SQLite connection (GetObject, HeadObject), kept while
 * the database is unchanged. Before every lookup two counters stamp its state:
 * `total_changes()` counts every row this connection inserted, updated or deleted (committed or
 * not), and `PRAGMA data_version` changes whenever another connection — another worker, another
 * process — commits. A different stamp empties the memo; so any write anywhere makes the next
 * read go to the database. The stamp is taken before the read it may keep, so a commit that
 * lands during the read changes the next stamp. Inside a transaction nothing is kept or served
 * (its snapshot, its rollback). Answers are frozen: every reader shares them.
 * @example const memo = new ReadMemo(db); memo.read(key, () => statement.get(…));
 */
export class ReadMemo {
  readonly #db: Database.Database;
  readonly #limits: ReadMemoLimits;
  readonly #changes: Database.Statement<[]>;
  readonly #version: Database.Statement<[]>;
  readonly #answers = new Map<string, ObjectRead>();
  #inlineBytes = 0;
  #changesSeen = -1;
  #versionSeen = -1;

  constructor(db: Database.Database, limits: Partial<ReadMemoLimits> = {}) {
    this.#db = db;
    this.#limits = {
      entries: limits.entries ?? DEFAULT_MEMO_ENTRIES,
      inlineBytes: limits.inlineBytes ?? DEFAULT_INLINE_BYTES,
    };
    this.#changes = db.prepare<[]>('SELECT total_changes()').pluck();
    this.#version = db.prepare<[]>('PRAGMA data_version').pluck();
  }

  /** The answer kept under `key` while the database is unchanged, else `load()`'s (then kept). */
  read(key: string, load: () => ObjectRead | undefined): ObjectRead | undefined {
    if (this.#limits.entries === 0 || this.#db.inTransaction) return load();
    const changes = this.#changes.get() as number;
    const version = this.#version.get() as number;
    if (changes !== this.#changesSeen || version !== this.#versionSeen) {
      this.#answers.clear();
      this.#inlineBytes = 0;
      this.#changesSeen = changes;
      this.#versionSeen = version;
    } else {
      const kept = this.#answers.get(key);
      if (kept !== undefined) return kept;
    }
    const answer = load();
    if (answer !== undefined) this.#keep(key, answer);
    return answer;
  }

  /** Answers kept now (tests). */
  get size(): number {
    return this.#answers.size;
  }

  #keep(key: string, answer: ObjectRead): void {
    const inline = inlineSize(answer);
    if (inline > this.#limits.inlineBytes) return;
    deepFreeze(answer);
    this.#answers.set(key, answer);
    this.#inlineBytes += inline;
    // Oldest first (a Map keeps insertion order).
    for (const [oldest, old] of this.#answers) {
      if (this.#answers.size <= this.#limits.entries && this.#inlineBytes <= this.#limits.inlineBytes) break;
      this.#answers.delete(oldest);
      this.#inlineBytes -= inlineSize(old);
    }
  }
}

function inlineSize(answer: ObjectRead): number {
  const version = answer.version;
  return version !== undefined && 'data' in version && version.data.kind === 'inline'
    ? version.data.bytes.length
    : 0;
}

/** Freezes an answer's objects and arrays (not the bytes of inline data: buffers cannot be). */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value))
    return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * The memo's key of a read. A bucket name has no NUL; the version id (as asked: any text) goes
 * with its length, so no key and version id can spell another pair's.
 */
export function readKey(bucket: string, key: string, versionId: string | undefined): string {
  return versionId === undefined
    ? `${bucket}\0\0${key}`
    : `${bucket}\0${versionId.length}:${versionId}\0${key}`;
}
