import type Database from 'better-sqlite3';
import { isTesseraError, TesseraError } from '../../core/index.js';
import { type OpenOptions, openDatabase } from '../metadata/schema.js';
import { noSuchEntity } from './iam-store-errors.js';
import type { IamEntityKind, IamFeedKind } from './types.js';

/** The IAM stores' shared errors, for the SQLite store's files. */
export { alreadyExists, deleteConflict, noSuchEntity } from './iam-store-errors.js';

/** SQLite result codes meaning "another connection holds the lock" (after busy_timeout). */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The IAM store's connection: statements prepared once per SQL text, transactions, and the
 * change feed append that every mutation makes inside its transaction.
 */
export class IamDb {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #tx: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(file: string, options: OpenOptions = {}) {
    this.db = openDatabase(file, options);
    this.#tx = this.db.transaction((fn: () => unknown) => fn());
  }

  /** The prepared statement for `sql` (prepared on first use). */
  q(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  /** One row, or undefined. */
  one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.q(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.q(sql).all(...params) as T[];
  }

  run(sql: string, ...params: unknown[]): number {
    return this.q(sql).run(...params).changes;
  }

  /** BEGIN IMMEDIATE: read-modify-write under the write lock, so checks hold across processes. */
  write<T>(fn: () => T): T {
    return this.guard(() => this.#tx.immediate(fn) as T);
  }

  /** A read transaction: one consistent snapshot for several statements. */
  read<T>(fn: () => T): T {
    return this.guard(() => this.#tx.deferred(fn) as T);
  }

  /** Maps lock timeouts to SlowDown (503, retryable); everything else propagates. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!isTesseraError(e) && isBusy(e)) {
        throw new TesseraError('SlowDown', undefined, { Reason: String((e as Error).message) });
      }
      throw e;
    }
  }

  /** Appends to the change feed; call inside a write transaction. */
  change(kind: IamFeedKind, account: string, name: string): void {
    this.run(
      'INSERT INTO iam_changes (kind, account, name, at) VALUES (?, ?, ?, ?)',
      kind,
      account,
      name,
      Date.now(),
    );
  }

  /** The stored spelling of an existing user, group or role, or NoSuchEntity. */
  entity(account: string, kind: IamEntityKind, name: string): string {
    const table = kind === 'user' ? 'iam_users' : kind === 'group' ? 'iam_groups' : 'iam_roles';
    const row = this.one<{ name: string }>(
      `SELECT name FROM ${table} WHERE account = ? AND name = ?`,
      account,
      name,
    );
    if (row === undefined) throw noSuchEntity(kind, name);
    return row.name;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** SQL LIMIT for an optional page size (-1 = no limit). */
export function limitOf(limit: number | undefined): number {
  return limit === undefined ? -1 : Math.max(0, limit);
}
