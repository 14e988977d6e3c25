import Database from 'better-sqlite3';
import { TesseraError } from '../../core/index.js';

/**
 * The SQLite schema, as an ordered list of migrations. `PRAGMA user_version` records the last
 * one applied. To change the schema, append a migration (never edit a released one): IAM tables
 * come later in the same database.
 *
 * Conventions: every entity carries its owning `account` (DESIGN.md §2.10; '' is the default
 * account); keys are TEXT compared with BINARY collation, i.e. memcmp of UTF-8, which is S3's
 * order; times are integer epoch milliseconds; small maps and lists are JSON text.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'buckets, objects, object blob references, multipart uploads and parts',
    sql: `
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        tags TEXT
      ) STRICT;
      CREATE INDEX buckets_by_account ON buckets (account, name);

      -- Rowid table: inline bytes stay out of the key index; columns that listings read come
      -- first so that SQLite does not load the overflow pages of inline data to list.
      CREATE TABLE objects (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts TEXT,
        segments TEXT,
        inline_data BLOB,
        UNIQUE (bucket, key)
      ) STRICT;

      -- Which objects reference which blobs: answers "is this blob still referenced?"
      CREATE TABLE object_blobs (
        blob_id TEXT NOT NULL,
        object_id INTEGER NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (blob_id, object_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX object_blobs_by_object ON object_blobs (object_id);

      CREATE TABLE uploads (
        upload_id TEXT PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated_at INTEGER NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT
      ) STRICT;
      CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated_at, upload_id);

      CREATE TABLE parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        checksum TEXT,
        last_modified INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX parts_by_blob ON parts (blob_id);
    `,
  },
];

/** The schema version this code expects. */
export function latestVersion(list: readonly Migration[] = migrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Applies pending migrations in one IMMEDIATE transaction. Safe when several processes open a
 * fresh database at once: the version is read again under the write lock.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number {
  const latest = latestVersion(list);
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const check = (v: number): void => {
    if (v > latest) {
      throw new TesseraError(
        'InternalError',
        `metadata schema version ${v} is newer than this server supports (${latest})`,
      );
    }
  };
  check(version());
  if (version() === latest) return latest;
  db.transaction(() => {
    const current = version();
    check(current);
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return latest;
}

export interface OpenOptions {
  /** Milliseconds a writer waits for another process's lock before failing (default 10 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a metadata database: WAL (readers never block the writer),
 * synchronous=FULL (a commit is on disk before it returns: survives kill -9 and power loss),
 * busy_timeout (node:cluster workers share the file and all write), then migrates.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
