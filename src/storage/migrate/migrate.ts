import type pg from 'pg';
import { writeMigratedMark } from '../migrated-mark.js';
import { latestPgVersion } from '../pg-sql.js';
import { copyTable } from './copy.js';
import type { TableDigest } from './digest.js';
import { PgTarget, SCHEMAS, schemaTables } from './pg-target.js';
import { buildPlan, PRUNED_KEY, type TablePlan, targetContents } from './plan.js';
import { redactText, redactUrl } from './redact.js';
import { SqliteSource } from './sqlite-source.js';
import {
  type MigrationOptions,
  type MigrationReport,
  MigrationStopped,
  refused,
  type StoreName,
  type TableReport,
} from './types.js';
import { pgDigest } from './verify.js';

/**
 * `tessera migrate` (docs/migrate.md), in order:
 *  1. the SQLite database, under SQLite's exclusive lock (refused while a server has it open);
 *  2. the target: reachable, holding no Tessera data (refused otherwise, always), no lease of a
 *     running shared-mode server;
 *  3. the schema migrations (migratePg; a dry run applies them in a rolled-back transaction to
 *     see the columns), and every table and column matched with its conversion;
 *  4. one transaction: every target table locked, emptiness checked again, every table copied,
 *     the change feed's head and the identity sequences set, then every table's rows counted
 *     and digested on both sides; COMMIT only when all agree, else ROLLBACK (nothing written).
 */
export async function migrate(o: MigrationOptions): Promise<MigrationReport> {
  try {
    return await run(o);
  } catch (e) {
    if (e instanceof MigrationStopped) {
      if (redactText(e.message, o.url) === e.message) throw e;
      throw new MigrationStopped(e.reason, redactText(e.message, o.url), e.report);
    }
    const code = (e as { code?: unknown } | null)?.code;
    const message = `${e instanceof Error ? e.message : String(e)}${typeof code === 'string' ? ` (${code})` : ''}`;
    throw new MigrationStopped('failed', redactText(message, o.url));
  }
}

async function run(o: MigrationOptions): Promise<MigrationReport> {
  const source = SqliteSource.open(o.dataDir);
  try {
    const target = await connect(o);
    try {
      return await migrateWith(o, source, target);
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function connect(o: MigrationOptions): Promise<PgTarget> {
  try {
    return await PgTarget.connect(o);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    throw new MigrationStopped(
      'failed',
      `cannot reach ${redactUrl(o.url)}: ${(e as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

async function migrateWith(
  o: MigrationOptions,
  source: SqliteSource,
  target: PgTarget,
): Promise<MigrationReport> {
  const pgTables = schemaTables();
  const versions = await target.versions();
  for (const s of SCHEMAS) {
    const latest = latestPgVersion(s.list);
    if (versions[s.store] > latest)
      throw refused(
        `the ${s.store} schema of ${redactUrl(o.url)} has version ${versions[s.store]}, newer than this tessera knows (${latest})`,
      );
  }
  await refuseContents(target.pool, await target.existingTables(), pgTables, o.url);
  const feed = { seq: source.feedSeq(), prunedThrough: source.meta().get(PRUNED_KEY) ?? 0 };
  const report: MigrationReport = {
    dryRun: o.dryRun === true,
    dataDir: o.dataDir,
    target: redactUrl(o.url),
    sourceVersion: source.version,
    targetVersions: {
      ...(versions.metadata > 0 ? { metadata: versions.metadata } : {}),
      ...(versions.iam > 0 ? { iam: versions.iam } : {}),
    },
    tables: [],
    feed,
    mismatches: [],
  };
  if (o.dryRun === true) {
    const plan = buildPlan(source, await target.simulatedColumns(versions), pgTables);
    report.tables = plan.map((p) => ({ store: p.store, table: p.table, rows: p.rows }));
    return report;
  }
  await target.migrateSchemas();
  const plan = buildPlan(source, await target.columns(), pgTables);
  report.tables = plan.map((p) => ({ store: p.store, table: p.table, rows: p.rows }));
  await target.transaction(async (client) => {
    const existing = await target.existingTables(client);
    const all = [...pgTables.keys()].filter((t) => existing.has(t)).sort();
    await client.query(`LOCK TABLE ${all.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    await refuseContents(client, existing, pgTables, o.url);
    const copied = new Map<string, TableDigest>();
    for (const p of plan) copied.set(p.table, await copyTable(client, source, p, o.onProgress));
    await client.query('UPDATE iam_feed_head SET seq = $1, pruned_through = $2 WHERE id = 1', [
      String(feed.seq),
      String(feed.prunedThrough),
    ]);
    await setSequences(client, plan);
    for (const [i, p] of plan.entries()) {
      const d = await pgDigest(client, p, p.rows, o.onProgress);
      const c = copied.get(p.table)!;
      const t: TableReport = report.tables[i]!;
      t.rows = c.rows;
      t.digest = c.hex;
      t.targetRows = d.rows;
      t.targetDigest = d.hex;
      if (d.rows !== c.rows)
        report.mismatches.push(`${p.table}: ${c.rows} rows in SQLite, ${d.rows} in PostgreSQL`);
      else if (d.hex !== t.digest) report.mismatches.push(`${p.table}: the rows' contents differ (digest)`);
    }
    report.mismatches.push(...(await checkFeed(client, feed)), ...(await checkSequences(client, plan)));
    if (report.mismatches.length > 0)
      throw new MigrationStopped(
        'mismatch',
        `verification failed, nothing was committed:\n  ${report.mismatches.join('\n  ')}`,
        report,
      );
  });
  writeMigratedMark(o.dataDir, { to: report.target, at: new Date().toISOString() });
  return report;
}

async function refuseContents(
  q: pg.Pool | pg.PoolClient,
  existing: ReadonlySet<string>,
  pgTables: ReadonlyMap<string, StoreName>,
  url: string,
): Promise<void> {
  const held = await targetContents(q, existing, pgTables);
  if (held.liveLeases.length > 0)
    throw refused(
      `a shared-mode server is running on ${redactUrl(url)} (live leases: ${held.liveLeases.join(', ')}): the target must be an empty database no server uses`,
    );
  if (held.data.length > 0)
    throw refused(
      `${redactUrl(url)} already holds Tessera data (${held.data.join(', ')}): tessera migrate only fills an empty database, never merges; use a new database (or drop this one's tables)`,
    );
}

/** Identity columns (objects.id) continue after the largest id copied. */
async function identityColumns(client: pg.PoolClient): Promise<{ t: string; c: string }[]> {
  const { rows } = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
  );
  return rows;
}

async function setSequences(client: pg.PoolClient, plan: readonly TablePlan[]): Promise<void> {
  const copied = new Map(plan.map((p) => [p.table, p.rows]));
  for (const { t, c } of await identityColumns(client)) {
    if ((copied.get(t) ?? 0) === 0) continue;
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max("${c}") FROM "${t}"))`, [
      t,
      c,
    ]);
  }
}

async function checkSequences(client: pg.PoolClient, plan: readonly TablePlan[]): Promise<string[]> {
  const copied = new Map(plan.map((p) => [p.table, p.rows]));
  const out: string[] = [];
  for (const { t, c } of await identityColumns(client)) {
    if ((copied.get(t) ?? 0) === 0) continue;
    const seq = (await client.query<{ s: string }>('SELECT pg_get_serial_sequence($1, $2) AS s', [t, c]))
      .rows[0]!.s;
    const { rows } = await client.query<{ last: string; max: string }>(
      `SELECT (SELECT last_value FROM ${seq}) AS last, (SELECT max("${c}") FROM "${t}") AS max`,
    );
    if (BigInt(rows[0]!.last) < BigInt(rows[0]!.max))
      out.push(`${t}.${c}: the next id (after ${rows[0]!.last}) would repeat one copied (${rows[0]!.max})`);
  }
  return out;
}

async function checkFeed(client: pg.PoolClient, feed: MigrationReport['feed']): Promise<string[]> {
  const { rows } = await client.query<{ seq: string; p: string }>(
    'SELECT seq, pruned_through AS p FROM iam_feed_head WHERE id = 1',
  );
  const r = rows[0];
  if (r === undefined) return ['iam_feed_head: no head row'];
  return r.seq === String(feed.seq) && r.p === String(feed.prunedThrough)
    ? []
    : [`iam_feed_head: seq ${r.seq} / pruned ${r.p}, SQLite ${feed.seq} / ${feed.prunedThrough}`];
}
