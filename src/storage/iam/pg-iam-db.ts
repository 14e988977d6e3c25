import pg from 'pg';
import { TesseraError } from '../../core/index.js';
import { guardPg, type PgRunner, statementsNamed, withPgTransaction } from '../pg-sql.js';
import { noSuchEntity } from './iam-store-errors.js';
import type { IamEntityKind, IamFeedKind } from './types.js';

/** The channel every committed change is announced on (payload: the transaction's last seq). */
export const IAM_CHANNEL = 'tessera_iam';

const statement = statementsNamed('tessera_iam');
type Runner = PgRunner;

/** Maps transient database errors to SlowDown (503, retryable); everything else propagates. */
export function guard<T>(fn: () => Promise<T>): Promise<T> {
  return guardPg(
    fn,
    () => new TesseraError('InvalidInput', 'The input contains a character the IAM store cannot hold (NUL).'),
  );
}

/** One-row, all-rows and row-count helpers over a Runner, with $1… parameters. */
export class PgQueries {
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

  /** The stored spelling of an existing user, group or role, or NoSuchEntity. */
  async entity(account: string, kind: IamEntityKind, name: string): Promise<string> {
    const table = kind === 'user' ? 'iam_users' : kind === 'group' ? 'iam_groups' : 'iam_roles';
    const row = await this.one<{ name: string }>(
      `SELECT name FROM ${table} WHERE account = $1 AND lower(name) = lower($2)`,
      account,
      name,
    );
    if (row === undefined) throw noSuchEntity(kind, name);
    return row.name;
  }
}

/**
 * A write transaction. It starts by locking the feed's head row (iam_feed_head), so IAM writers
 * run one at a time across every server, as SQLite's BEGIN IMMEDIATE makes them: a check
 * (name free, no dependents, fewer than five versions) holds until the commit, and change
 * sequence numbers commit in order (a reader never sees seq n+1 before n). READ COMMITTED: each
 * statement after the lock sees every earlier commit.
 */
export class PgTx extends PgQueries {
  #seq: number;
  #changed = false;

  constructor(runner: Runner, seq: number) {
    super(runner);
    this.#seq = seq;
  }

  /** Appends to the change feed (committed with the transaction). */
  async change(kind: IamFeedKind, account: string, name: string): Promise<void> {
    this.#seq++;
    this.#changed = true;
    await this.run(
      'INSERT INTO iam_changes (seq, kind, account, name, at) VALUES ($1, $2, $3, $4, $5)',
      this.#seq,
      kind,
      account,
      Buffer.from(name, 'utf8'),
      Date.now(),
    );
  }

  /** The statements that end the transaction: the new head, the notification, COMMIT. */
  get commitSql(): string {
    if (!this.#changed) return 'COMMIT';
    return `UPDATE iam_feed_head SET seq = ${this.#seq} WHERE id = 1; NOTIFY ${IAM_CHANNEL}, '${this.#seq}'; COMMIT`;
  }
}

/** A read transaction: one snapshot for several statements. */
export class PgSnapshot extends PgQueries {}

/** BIGINT (epoch ms, counts, sequence numbers) as a number: every value stored is below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PgIamPoolOptions {
  /** `postgres://user:password@host:port/database?sslmode=…` */
  url: string;
  /** Connections at most (default 10). */
  poolSize?: number;
  /** TLS to the database (node:tls options, or true); the URL's sslmode works too. */
  ssl?: boolean | import('node:tls').ConnectionOptions;
  /** Milliseconds a writer waits for another's lock before SlowDown (default 10 s, as SQLite's busy timeout). */
  lockTimeoutMs?: number;
  /** Milliseconds to wait for a free connection or a new one before SlowDown (default 10 s). */
  connectTimeoutMs?: number;
}

/** The client settings shared by the pool and the listener's connection. */
export function clientConfig(o: PgIamPoolOptions): pg.ClientConfig {
  const lock = Math.max(0, Math.floor(o.lockTimeoutMs ?? 10_000));
  return {
    connectionString: o.url,
    ...(o.ssl !== undefined ? { ssl: o.ssl } : {}),
    types,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    // A database host that vanishes (no FIN, no RST) is noticed by TCP keepalive, not never.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: `-c lock_timeout=${lock}`,
    application_name: 'tessera-iam',
  };
}

/** The IAM store's pool: single statements, read snapshots and write transactions. */
export class PgIamDb extends PgQueries {
  readonly pool: pg.Pool;

  constructor(options: PgIamPoolOptions) {
    const pool = new pg.Pool({ ...clientConfig(options), max: options.poolSize ?? 10 });
    super({ query: (c) => guard(() => pool.query(c)) });
    this.pool = pool;
    // An idle connection that breaks (server restart) is dropped by the pool; do not crash.
    pool.on('error', () => {});
  }

  /** Runs `fn` in a write transaction (see PgTx); rolls back when it throws. */
  write<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
    return guard(() =>
      withPgTransaction(this.pool, async (client) => {
        const [, head] = (await client.query(
          'BEGIN; SELECT seq FROM iam_feed_head WHERE id = 1 FOR UPDATE',
        )) as unknown as pg.QueryResult<{ seq: number }>[];
        const tx = new PgTx(client, head!.rows[0]!.seq);
        const result = await fn(tx);
        await client.query(tx.commitSql);
        return result;
      }),
    );
  }

  /** Runs `fn` in a REPEATABLE READ, READ ONLY transaction: one snapshot. */
  read<T>(fn: (s: PgSnapshot) => Promise<T>): Promise<T> {
    return guard(() =>
      withPgTransaction(this.pool, async (client) => {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const result = await fn(new PgSnapshot(client));
        await client.query('COMMIT');
        return result;
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/** SQL LIMIT for an optional page size (NULL = no limit). */
export function pgLimit(limit: number | undefined): number | null {
  return limit === undefined ? null : Math.max(0, limit);
}
