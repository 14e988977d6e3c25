import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { storagePaths } from '../embedded.js';
import { latestVersion } from '../metadata/schema.js';
import { type Column, sqliteSelect } from './columns.js';
import { refused } from './types.js';

/** A column as SQLite declares it. */
export interface SqliteColumn {
  name: string;
  type: string;
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The embedded deployment's database (`<dataDir>/.tessera/meta.db`, the metadata and IAM tables),
 * opened for the migration with SQLite's exclusive lock held until close. A server holds the
 * database open in every process (primary and workers), so the lock is refused while one runs
 * on the directory (on this host, or on another through a filesystem with working POSIX locks);
 * while the migration holds it, a server starting on the directory cannot open the database.
 * Nothing is written (query_only); closing checkpoints the WAL into the database file, as a
 * server's last close does.
 */
export class SqliteSource {
  readonly db: Database.Database;
  readonly version: number;

  private constructor(db: Database.Database, version: number) {
    this.db = db;
    this.version = version;
  }

  static open(dataDir: string): SqliteSource {
    const file = storagePaths(dataDir).database;
    if (!existsSync(file)) refuse(`${file} does not exist: no embedded deployment in ${dataDir}`);
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 1000');
      db.pragma('locking_mode = EXCLUSIVE');
      try {
        db.exec('BEGIN EXCLUSIVE; COMMIT');
      } catch (e) {
        if (isBusy(e))
          refuse(
            `a server is using ${dataDir} (its database ${file} is open in another process): stop every server on it first`,
          );
        throw e;
      }
      db.pragma('query_only = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      const latest = latestVersion();
      if (version !== latest)
        refuse(
          version > latest
            ? `${file} has schema version ${version}, newer than this tessera knows (${latest}): use the tessera that wrote it`
            : `${file} has schema version ${version}, older than this tessera's (${latest}): start and stop this version's server on it once (it upgrades the schema), then migrate`,
        );
      return new SqliteSource(db, version);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** The tables (SQLite's own sqlite_* tables left out). */
  tables(): string[] {
    return (
      this.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
  }

  columns(table: string): SqliteColumn[] {
    return (
      this.db.prepare('SELECT name, type FROM pragma_table_info(?) ORDER BY cid').all(table) as SqliteColumn[]
    ).map((c) => ({ name: c.name, type: c.type }));
  }

  count(table: string): number {
    return Number((this.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n);
  }

  /** The table's rows, `columns` in order, integers as bigint, TEXT as its bytes (columns.ts). */
  rows(table: string, columns: readonly Column[]): IterableIterator<unknown[]> {
    const stmt = this.db.prepare(`SELECT ${columns.map(sqliteSelect).join(', ')} FROM "${table}"`);
    return stmt.safeIntegers(true).raw(true).iterate() as IterableIterator<unknown[]>;
  }

  /** The change feed's last sequence number issued (sqlite_sequence; kept after pruning). */
  feedSeq(): number {
    const row = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'iam_changes'").get() as
      | { seq: number }
      | undefined;
    return row?.seq ?? 0;
  }

  /** iam_meta's rows (the change feed's pruning mark). */
  meta(): Map<string, number> {
    const rows = this.db.prepare('SELECT key, value FROM iam_meta').all() as { key: string; value: number }[];
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function refuse(message: string): never {
  throw refused(message);
}
