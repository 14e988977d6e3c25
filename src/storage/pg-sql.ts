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
