import type pg from 'pg';
import { type Column, conversionOf } from './columns.js';
import type { PgColumns } from './pg-target.js';
import type { SqliteSource } from './sqlite-source.js';
import { refused, type StoreName } from './types.js';

/** One table to copy: the same name and the same columns on both sides. */
export interface TablePlan {
  readonly table: string;
  readonly store: StoreName;
  readonly columns: readonly Column[];
  readonly rows: number;
}

/**
 * Tables that are not copied row for row:
 *  - iam_meta (SQLite) holds the change feed's pruning mark, and sqlite_sequence its last
 *    sequence number: both go to iam_feed_head (PostgreSQL), which also exists empty (seq 0);
 *  - meta_leases (PostgreSQL): cluster leases of running shared-mode servers, none in SQLite;
 *  - the PostgreSQL schemas' own version tables.
 */
export const SQLITE_ONLY: ReadonlySet<string> = new Set(['iam_meta']);
export const PG_ONLY: ReadonlySet<string> = new Set([
  'iam_feed_head',
  'meta_leases',
  'meta_schema_migrations',
  'iam_schema_migrations',
]);

/** iam_meta keys the migration knows (anything else: refused, rather than dropped). */
export const PRUNED_KEY = 'changes_pruned_through';

/**
 * Matches every SQLite table to its PostgreSQL table, column for column, each with its
 * conversion (columns.ts). Refuses, naming every problem, when a table or column has no
 * counterpart or no exact conversion: nothing is dropped silently.
 */
export function buildPlan(
  source: SqliteSource,
  pgColumns: PgColumns,
  pgTables: ReadonlyMap<string, StoreName>,
): TablePlan[] {
  const problems: string[] = [];
  const plan: TablePlan[] = [];
  const sqliteTables = source.tables();
  for (const table of sqliteTables) {
    if (SQLITE_ONLY.has(table)) continue;
    const target = pgColumns.get(table);
    const store = pgTables.get(table);
    if (target === undefined || store === undefined) {
      problems.push(`SQLite table ${table} has no PostgreSQL table`);
      continue;
    }
    const columns: Column[] = [];
    const seen = new Set<string>();
    for (const c of source.columns(table)) {
      seen.add(c.name);
      const pgType = target.get(c.name);
      if (pgType === undefined) {
        problems.push(`${table}.${c.name} has no PostgreSQL column`);
        continue;
      }
      const conversion = conversionOf(table, c.name, c.type, pgType);
      if (conversion === undefined)
        problems.push(`${table}.${c.name}: no exact conversion of ${c.type} to ${pgType}`);
      else columns.push({ name: c.name, conversion });
    }
    for (const name of target.keys()) {
      if (!seen.has(name)) problems.push(`PostgreSQL column ${table}.${name} has no SQLite column`);
    }
    plan.push({ table, store, columns, rows: source.count(table) });
  }
  const known = new Set(sqliteTables);
  for (const table of pgTables.keys()) {
    if (!known.has(table) && !PG_ONLY.has(table))
      problems.push(`PostgreSQL table ${table} has no SQLite table`);
  }
  const extra = [...source.meta().keys()].filter((k) => k !== PRUNED_KEY);
  if (extra.length > 0) problems.push(`iam_meta holds keys this tessera does not know: ${extra.join(', ')}`);
  if (problems.length > 0)
    throw refused(`the SQLite and PostgreSQL schemas do not match:\n  ${problems.join('\n  ')}`);
  return plan.sort((a, b) => a.store.localeCompare(b.store) || a.table.localeCompare(b.table));
}

/**
 * What the target already holds, table by table: any row in a data table, a change feed that
 * has moved (iam_feed_head), or a lease a running shared-mode server holds (meta_leases,
 * judged by the database's clock). Empty lists: the target is empty.
 */
export async function targetContents(
  q: pg.Pool | pg.PoolClient,
  existing: ReadonlySet<string>,
  pgTables: ReadonlyMap<string, StoreName>,
): Promise<{ data: string[]; liveLeases: string[] }> {
  const data: string[] = [];
  const liveLeases: string[] = [];
  for (const table of [...pgTables.keys()].sort()) {
    if (!existing.has(table) || table.endsWith('_schema_migrations')) continue;
    if (table === 'iam_feed_head') {
      const { rows } = await q.query<{ n: string }>(
        'SELECT count(*) AS n FROM iam_feed_head WHERE seq <> 0 OR pruned_through <> 0',
      );
      if (rows[0]?.n !== '0') data.push('iam_feed_head (the IAM change feed has moved)');
      continue;
    }
    if (table === 'meta_leases') {
      const { rows } = await q.query<{ name: string; holder: string }>(
        `SELECT name, holder FROM meta_leases
         WHERE expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint ORDER BY name`,
      );
      for (const r of rows) liveLeases.push(`${r.name} (held by ${r.holder})`);
      continue;
    }
    const { rows } = await q.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} LIMIT 1000) AS s`,
    );
    const n = rows[0]?.n ?? '0';
    if (n !== '0') data.push(`${table} (${n === '1000' ? 'at least 1000' : n} rows)`);
  }
  return { data, liveLeases };
}
