import Database from 'better-sqlite3';
import { TesseraError } from '../../core/index.js';
import { type Migration, migrations } from './migrations.js';
import type { ReadMemoLimits } from './read-memo.js';

export { type Migration, migrations } from './migrations.js';

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
  /** The metadata store's WAL sync (group-sync.ts); tests hold or fail it. Default: fdatasync of `-wal`. */
  walSync?: () => Promise<void>;
  /** Told once when that sync fails (default: a line in the server log's format on stderr). */
  onSyncFailure?: (err: unknown) => void;
  /** The metadata store checkpoints on a thread of its own (checkpointer.ts; default true). */
  checkpointThread?: boolean;
  /** The metadata store's memo of recent object reads (read-memo.ts); `{ entries: 0 }` turns it off. */
  readMemo?: Partial<ReadMemoLimits>;
}

/**
 * Opens (creating if needed) a database: WAL (readers never block the writer), busy_timeout
 * (node:cluster workers share the file and all write), then migrates. `synchronous`: FULL (a
 * commit is on disk before it returns) unless the caller makes commits durable itself, as the
 * metadata store does with NORMAL plus group commit (group-sync.ts).
 */
export function openDatabase(
  file: string,
  options: OpenOptions = {},
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): Database.Database {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
