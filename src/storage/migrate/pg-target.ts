import pg from 'pg';
import { migratePgIam, pgIamMigrations } from '../iam/pg-iam-schema.js';
import { migratePgMeta, pgMetaMigrations } from '../metadata/pg-meta-schema.js';
import { withoutSslMode } from '../metadata/pg-shared-storage.js';
import { type PgMigration, withPgTransaction } from '../pg-sql.js';
import type { MigrationOptions, StoreName } from './types.js';

/** The two PostgreSQL schemas: their migrations and where each records its version. */
export const SCHEMAS: readonly { store: StoreName; table: string; list: readonly PgMigration[] }[] = [
  { store: 'metadata', table: 'meta_schema_migrations', list: pgMetaMigrations },
  { store: 'iam', table: 'iam_schema_migrations', list: pgIamMigrations },
];

/** The tables the two schemas create (their migrations' CREATE TABLE statements). */
export function schemaTables(): Map<string, StoreName> {
  const out = new Map<string, StoreName>();
  for (const s of SCHEMAS) {
    for (const m of s.list) for (const t of m.sql.matchAll(/CREATE TABLE (\w+)/g)) out.set(t[1]!, s.store);
  }
  return out;
}

/** PostgreSQL columns by table: name → information_schema data_type. */
export type PgColumns = Map<string, Map<string, string>>;

/** pg as the migration reads it: the driver's default parsers (bigint as text: exact). */
export class PgTarget {
  readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects (one query, so an unreachable or refusing database fails here). */
  static async connect(o: MigrationOptions): Promise<PgTarget> {
    const pool = new pg.Pool({
      connectionString: o.tlsCa === undefined ? o.url : withoutSslMode(o.url),
      ...(o.tlsCa === undefined ? {} : { ssl: { ca: o.tlsCa } }),
      max: 2,
      connectionTimeoutMillis: 10_000,
      options: `-c lock_timeout=${Math.max(0, Math.floor(o.lockTimeoutMs ?? 10_000))}`,
      application_name: 'tessera-migrate',
    });
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return new PgTarget(pool);
  }

  /** The tables of the current schema that exist. */
  async existingTables(q: pg.Pool | pg.PoolClient = this.pool): Promise<Set<string>> {
    const { rows } = await q.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    return new Set(rows.map((r) => r.t));
  }

  /** The schema version each store's migrations reached (0: none yet). */
  async versions(q: pg.Pool | pg.PoolClient = this.pool): Promise<Record<StoreName, number>> {
    const tables = await this.existingTables(q);
    const out: Record<StoreName, number> = { metadata: 0, iam: 0 };
    for (const s of SCHEMAS) {
      if (!tables.has(s.table)) continue;
      const { rows } = await q.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s.table}`);
      out[s.store] = Number(rows[0]?.v ?? 0);
    }
    return out;
  }

  async columns(q: pg.Pool | pg.PoolClient = this.pool): Promise<PgColumns> {
    const { rows } = await q.query<{ t: string; c: string; type: string }>(
      `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns
       WHERE table_schema = current_schema()`,
    );
    const out: PgColumns = new Map();
    for (const r of rows) {
      let m = out.get(r.t);
      if (m === undefined) out.set(r.t, (m = new Map()));
      m.set(r.c, r.type);
    }
    return out;
  }

  /** Applies both schemas' pending migrations (pg-sql.ts migratePg, under their advisory locks). */
  async migrateSchemas(): Promise<void> {
    await migratePgMeta(this.pool);
    await migratePgIam(this.pool);
  }

  /**
   * The columns the schemas will have, for a dry run: the pending migrations applied in a
   * transaction that is rolled back (PostgreSQL's DDL is transactional), so nothing is written.
   */
  async simulatedColumns(versions: Record<StoreName, number>): Promise<PgColumns> {
    return this.transaction(async (c) => {
      for (const s of SCHEMAS) {
        for (const m of [...s.list].sort((a, b) => a.version - b.version)) {
          if (m.version > versions[s.store]) await c.query(m.sql);
        }
      }
      return this.columns(c);
    }, true);
  }

  /** Runs `fn` in one transaction: committed when it returns (rolled back with `rollback`), rolled back when it throws. */
  transaction<T>(fn: (c: pg.PoolClient) => Promise<T>, rollback = false): Promise<T> {
    return withPgTransaction(this.pool, async (client) => {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      return out;
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
