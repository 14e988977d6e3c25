/**
 * `tessera migrate` (docs/migrate.md): what it is asked, what it reports, how it stops. No
 * driver is loaded by this file (run.ts loads the migration lazily).
 */

/** Which store a table belongs to: each is copied in the one transaction, verified per table. */
export type StoreName = 'metadata' | 'iam';

export interface MigrationOptions {
  /** The embedded deployment's data directory (`<dataDir>/.tessera/meta.db`). */
  dataDir: string;
  /** `postgres://user:password@host:port/database?sslmode=…` */
  url: string;
  /** PEM of the CA(s) that sign the database's certificate (verify-full), as TESSERA_METADATA_TLS_CA. */
  tlsCa?: string;
  /** Opens both, checks, counts; writes nothing. */
  dryRun?: boolean;
  /** Told as tables are copied and verified. */
  onProgress?: (p: MigrationProgress) => void;
  /** Milliseconds to wait for a lock on the target's tables (default 10 s). */
  lockTimeoutMs?: number;
}

export interface MigrationProgress {
  phase: 'copy' | 'verify';
  table: string;
  done: number;
  total: number;
}

/** One table's outcome: rows in SQLite and (after the copy) in PostgreSQL, and their digests. */
export interface TableReport {
  store: StoreName;
  table: string;
  rows: number;
  targetRows?: number;
  digest?: string;
  targetDigest?: string;
}

export interface MigrationReport {
  dryRun: boolean;
  dataDir: string;
  /** The target URL, password redacted. */
  target: string;
  /** The SQLite schema version of the source. */
  sourceVersion: number;
  /** The PostgreSQL schema versions found before (undefined: not created yet). */
  targetVersions: { metadata?: number; iam?: number };
  tables: TableReport[];
  /** The change feed's state carried over (last sequence number issued, pruned through). */
  feed: { seq: number; prunedThrough: number };
  /** Tables whose rows or digest differ (empty when verified, or in a dry run). */
  mismatches: string[];
}

/**
 * Why a migration stopped without committing anything: `refused` (a safety check: a server on
 * the data directory, a non-empty target, a schema it cannot map), `mismatch` (verification
 * found a difference; rolled back), `failed` (the database or the copy failed; rolled back).
 */
export class MigrationStopped extends Error {
  readonly reason: 'refused' | 'mismatch' | 'failed';
  readonly report: MigrationReport | undefined;

  constructor(reason: MigrationStopped['reason'], message: string, report?: MigrationReport) {
    super(message);
    this.name = 'MigrationStopped';
    this.reason = reason;
    this.report = report;
  }
}

export function refused(message: string): MigrationStopped {
  return new MigrationStopped('refused', message);
}
