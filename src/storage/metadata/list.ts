import { commonPrefixOf, compareUtf8, after as justAfter, successor } from './keys.js';

/**
 * Yields the rows whose key is >= `lower` (and < `upper` when given) in key order, at most
 * `limit` of them. Must be lazy: the walker stops early and seeks elsewhere after each common
 * prefix, so a roll-up of many keys under few prefixes reads one row per prefix.
 * This is the synchronous form, for drivers whose reads return at once (better-sqlite3): the
 * whole walk then runs in one read transaction without crossing an await.
 */
export type RangeScan<R> = (lower: string, upper: string | undefined, limit: number) => Iterable<R>;

/**
 * The same range as a RangeScan, for asynchronous drivers (node-postgres): yields the rows in
 * batches (one await per batch, not per row). The walker stops iterating (calling `return()`,
 * so a cursor can close) as soon as it needs to seek, so a batch should be small when the first
 * row of the range may roll up into a common prefix (e.g. probe one key first, as the SQLite
 * scan does).
 */
export type AsyncRangeScan<R> = (
  lower: string,
  upper: string | undefined,
  limit: number,
) => AsyncIterable<readonly R[]>;

export interface WalkQuery {
  prefix: string;
  delimiter: string;
  /** Exclusive lower bound ('' = from the start). */
  after: string;
  max: number;
}

export type WalkEntry<R> = { kind: 'row'; row: R } | { kind: 'prefix'; prefix: string };

export interface WalkResult<R> {
  rows: R[];
  prefixes: string[];
  truncated: boolean;
  /** The last entry returned (row or common prefix). */
  last?: WalkEntry<R>;
}

/**
 * The inclusive lower bound of a listing, or undefined when nothing can follow `after`.
 * When `after` lies inside a common prefix (e.g. it is one: continuation after a roll-up), the
 * whole group is skipped: every entry returned is > `after`, and that group's entry is not.
 */
export function startOf(prefix: string, delimiter: string, after: string): string | undefined {
  if (after === '') return prefix;
  if (after.startsWith(prefix)) {
    const group = commonPrefixOf(after, prefix, delimiter);
    return group === undefined ? justAfter(after) : successor(group);
  }
  return compareUtf8(after, prefix) < 0 ? prefix : justAfter(after);
}

/**
 * S3 listing over any ordered key range: keys > `after` that start with `prefix`; a key whose
 * remainder after the prefix contains the delimiter rolls up into prefix + remainder up to and
 * including the first delimiter. Rows and common prefixes together are limited to `max`, in key
 * order. After emitting common prefix P the walk seeks to successor(P) instead of reading P's keys.
 *
 * Every key left after the last entry yields a further entry greater than it (its own key or a
 * common prefix that is not a prefix of an emitted one), so one extra row means "truncated".
 *
 * The rules live here once, fed row by row; walkListing and walkListingAsync only move rows
 * from a scan into it.
 */
class Walk<R extends { key: string }> {
  readonly result: WalkResult<R> = { rows: [], prefixes: [], truncated: false };
  readonly upper: string | undefined;
  /** Where the next range starts; undefined when the walk is over. */
  lower: string | undefined;
  readonly #q: WalkQuery;
  #count = 0;
  #seek: string | undefined;
  #jumped = false;

  constructor(q: WalkQuery) {
    this.#q = q;
    this.upper = q.prefix === '' ? undefined : successor(q.prefix);
    // S3: max-keys=0 returns nothing and is not truncated.
    this.lower = q.max <= 0 ? undefined : startOf(q.prefix, q.delimiter, q.after);
  }

  /** How many rows the next range may need: what is left, plus one to learn "truncated". */
  get limit(): number {
    return this.#q.max - this.#count + 1;
  }

  /** Takes the next row of the current range; false when the walk wants no more of this range. */
  take(row: R): boolean {
    const { result } = this;
    if (this.#count === this.#q.max) {
      result.truncated = true;
      return false;
    }
    this.#count++;
    const group = commonPrefixOf(row.key, this.#q.prefix, this.#q.delimiter);
    if (group === undefined) {
      result.rows.push(row);
      result.last = { kind: 'row', row };
      return true;
    }
    result.prefixes.push(group);
    result.last = { kind: 'prefix', prefix: group };
    this.#seek = successor(group);
    this.#jumped = true;
    return false;
  }

  /** The current range ended (exhausted, or take() said stop): continue after a common prefix, or finish. */
  endRange(): void {
    this.lower = this.#jumped && !this.result.truncated ? this.#seek : undefined;
    this.#jumped = false;
  }
}

/**
 * The S3 listing (see Walk) over a synchronous scan.
 * @example walkListing(scan, { prefix: 'photos/', delimiter: '/', after: '', max: 1000 })
 */
export function walkListing<R extends { key: string }>(scan: RangeScan<R>, q: WalkQuery): WalkResult<R> {
  const walk = new Walk<R>(q);
  while (walk.lower !== undefined) {
    for (const row of scan(walk.lower, walk.upper, walk.limit)) if (!walk.take(row)) break;
    walk.endRange();
  }
  return walk.result;
}

/** The S3 listing (see Walk) over an asynchronous, batched scan: the same rules, the same result. */
export async function walkListingAsync<R extends { key: string }>(
  scan: AsyncRangeScan<R>,
  q: WalkQuery,
): Promise<WalkResult<R>> {
  const walk = new Walk<R>(q);
  while (walk.lower !== undefined) {
    range: for await (const batch of scan(walk.lower, walk.upper, walk.limit)) {
      for (const row of batch) if (!walk.take(row)) break range;
    }
    walk.endRange();
  }
  return walk.result;
}

/** The key or common prefix of an entry (the next `after` / key-marker). */
export function entryKey<R extends { key: string }>(entry: WalkEntry<R>): string {
  return entry.kind === 'row' ? entry.row.key : entry.prefix;
}
