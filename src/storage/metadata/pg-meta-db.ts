import { createHash } from 'node:crypto';
import pg from 'pg';
import { TesseraError } from '../../core/index.js';
import { clientConfig, type PgIamPoolOptions } from '../iam/pg-iam-db.js';
import { guardPg, type PgRunner, statementsNamed, withPgTransaction } from '../pg-sql.js';

/** The pool settings: the IAM store's (url, poolSize, ssl, lockTimeoutMs, connectTimeoutMs). */
export type PgMetaPoolOptions = PgIamPoolOptions;

const statement = statementsNamed('tessera_meta');
type Runner = PgRunner;

/** Maps transient database errors to SlowDown (503, retryable); everything else propagates. */
export function guard<T>(fn: () => Promise<T>): Promise<T> {
  // Text columns cannot hold NUL (keys are BYTEA and can): e.g. a version id of "%00".
  return guardPg(fn, () => new TesseraError('InvalidArgument', 'The request contains a NUL character.'));
}

/** One-row, all-rows and row-count helpers over a Runner, with $1… parameters. */
export class PgMetaQueries {
  constructor(protected readonly runner: Runner) {}

  async one<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.runner.query(statement(sql, params))).rows[0] as T | undefined;
  }

  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.runner.query(statement(sql, params))).rows as T[];
  }

  /** Runs a statement; returns the rows it changed. */
  async run(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.runner.query(statement(sql, params))).rowCount ?? 0;
  }
}

/** A signed 64-bit advisory lock key for a name (sha1, first 8 bytes): a safe SQL literal. */
function lockKey(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest().readBigInt64BE(0).toString();
}

/**
 * A lock a write transaction takes at BEGIN. Writes lock, always in this order: their bucket
 * (shared by object and upload writes; exclusive for DeleteBucket and versioning changes), their
 * key, their upload (shared by UploadPart; exclusive for Complete and Abort), their part number.
 * Advisory transaction locks: held until COMMIT or ROLLBACK, kept in the lock manager's memory
 * (no row is written to lock it, as SELECT … FOR SHARE would on every PUT), and sent with BEGIN
 * in one round trip. So two servers writing one key run one after the other, as SQLite's BEGIN
 * IMMEDIATE makes them, while writes to other keys run at once; DeleteBucket cannot pass its
 * "is it empty?" check while an object or upload commits. Checks read after the locks (READ
 * COMMITTED: each statement sees every commit before it).
 */
export interface TxLock {
  readonly name: readonly string[];
  readonly exclusive: boolean;
}

export const locks = {
  bucket: (bucket: string, exclusive = false): TxLock => ({ name: ['bucket', bucket], exclusive }),
  key: (bucket: string, key: string): TxLock => ({ name: ['key', bucket, key], exclusive: true }),
  upload: (uploadId: string, exclusive = false): TxLock => ({ name: ['upload', uploadId], exclusive }),
  part: (uploadId: string, partNumber: number): TxLock => ({
    name: ['part', uploadId, String(partNumber)],
    exclusive: true,
  }),
};

function lockSql(l: TxLock): string {
  return `SELECT pg_advisory_xact_lock${l.exclusive ? '' : '_shared'}(${lockKey(...l.name)})`;
}

/** A write transaction (READ COMMITTED), holding its TxLocks. */
export class PgMetaTx extends PgMetaQueries {}

/** BIGINT (epoch ms, sizes, ids) as a number: every value stored is below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The metadata store's pool: single statements, read snapshots and write transactions. */
export class PgMetaDb extends PgMetaQueries {
  readonly pool: pg.Pool;

  constructor(options: PgMetaPoolOptions) {
    const pool = new pg.Pool({
      ...clientConfig(options),
      types,
      application_name: 'tessera-metadata',
      max: options.poolSize ?? 10,
    });
    super({ query: (c) => guard(() => pool.query(c)) });
    this.pool = pool;
    // An idle connection that breaks (server restart) is dropped by the pool; do not crash.
    pool.on('error', () => {});
  }

  /** Runs `fn` in a write transaction holding `held` (TxLock, in order); rolls back when it throws. */
  write<T>(held: readonly TxLock[], fn: (tx: PgMetaTx) => Promise<T>): Promise<T> {
    const begin = ['BEGIN', ...held.map(lockSql)].join('; ');
    return this.#transaction(begin, (client) => fn(new PgMetaTx(client)));
  }

  /** Runs `fn` in a REPEATABLE READ, READ ONLY transaction: one snapshot for several statements. */
  read<T>(fn: (s: PgMetaQueries) => Promise<T>): Promise<T> {
    return this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', (client) =>
      fn(new PgMetaQueries(client)),
    );
  }

  #transaction<T>(begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return guard(() =>
      withPgTransaction(this.pool, async (client) => {
        await client.query(begin);
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
