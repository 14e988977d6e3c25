import { createHash } from 'node:crypto';
import type pg from 'pg';
import { isTesseraError, TesseraError } from '../core/index.js';

/** What runs SQL: a pool (one statement, autocommit) or a transaction's client. */
export interface PgRunner {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

/**
 * Named prepared statements per SQL text (pg prepares each once per connection), their names
 * `<prefix>_<hash of the text>`.
 */
export function statementsNamed(prefix: string): (text: string, values: unknown[]) => pg.QueryConfig {
  const names = new Map<string, string>();
  return (text, values) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return { name, text, values };
  };
}

/**
 * Errors meaning "try again later": lock or statement timeouts, serialization failures and
 * deadlocks, too many connections, the server shutting down or starting (57P0x), a lost or
 * refused connection (class 08, socket errors), no free connection in the pool in time.
 */
function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (['40001', '40P01', '55P03', '57014', '53300', '57P01', '57P02', '57P03'].includes(code)) return true;
    // A database not accepting connections (ALTER DATABASE … ALLOW_CONNECTIONS false) refuses the
    // connection with 55000: unavailable for now, as a server starting up.
    if (code === '55000' && e instanceof Error && /not currently accepting connections/i.test(e.message))
      return true;
    if (code.startsWith('08')) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code))
      return true;
  }
  return (
    e instanceof Error &&
    /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(e.message)
  );
}

/**
 * Runs `fn`, mapping transient database errors to SlowDown (503, retryable) and a NUL character
 * in a text value (PostgreSQL text cannot hold one; SQLite's can) to `nul`, the store's own error
 * for that input; everything else propagates.
 */
export async function guardPg<T>(fn: () => Promise<T>, nul: () => TesseraError): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isTesseraError(e)) throw e;
    if (isTransient(e))
      throw new TesseraError('SlowDown', undefined, { Reason: String((e as Error).message) });
    if ((e as { code?: unknown } | null)?.code === '22021') throw nul();
    throw e;
  }
}

/**
 * Runs `fn` on one pooled connection that holds a transaction (`fn` begins and ends it): when
 * anything throws, it is rolled back, and a connection that cannot even roll back is destroyed
 * instead of returned to the pool.
 */
export async function withPgTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (e) {
    await client.query('ROLLBACK').catch((r: Error) => {
      broken = r;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/** One versioned schema step of a PostgreSQL store. */
export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

/** The schema version a list of migrations reaches. */
export function latestPgVersion(list: readonly PgMigration[]): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Applies pending migrations, each in its own transaction, recorded in `table`, holding
 * pg_advisory_lock(`lockKey`) on one connection meanwhile: a second server opening at once
 * waits, then finds them applied. Refuses a database whose schema is newer than this code
 * (`what` names the schema in that error). Returns the version reached.
 */
export async function migratePg(
  pool: pg.Pool,
  o: { readonly lockKey: string; readonly table: string; readonly what: string },
  list: readonly PgMigration[],
): Promise<number> {
  const latest = latestPgVersion(list);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock(${o.lockKey})`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${o.table} (
        version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${o.table}`);
      const current = rows[0]?.v ?? 0;
      if (current > latest) {
        throw new TesseraError(
          'InternalError',
          `${o.what} schema version ${current} is newer than this server supports (${latest})`,
        );
      }
      for (const m of [...list].sort((a, b) => a.version - b.version)) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO ${o.table} (version, description, applied_at) VALUES ($1, $2, $3)`,
            [m.version, m.description, Date.now()],
          );
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
      return latest;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${o.lockKey})`);
    }
  } catch (e) {
    broken = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    // Destroyed after a failure: a session-level advisory lock must not outlive it in the pool.
    client.release(broken);
  }
}
