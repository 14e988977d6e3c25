import { commonPrefixOf, compareUtf8, after as justAfter, successor } from './keys.js';

/**
 * Yields the rows whose key is >= `lower` (and < `upper` when given) in key order, at most
 * `limit` of them. Must be lazy: the walker stops early and seeks elsewhere after each common
 * prefix, so a roll-up of many keys under few prefixes reads one row per prefix.
 */
export type RangeScan<R> = (lower: string, upper: string | undefined, limit: number) => Iterable<R>;

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
 */
export function walkListing<R extends { key: string }>(scan: RangeScan<R>, q: WalkQuery): WalkResult<R> {
  const result: WalkResult<R> = { rows: [], prefixes: [], truncated: false };
  if (q.max <= 0) return result; // S3: max-keys=0 returns nothing and is not truncated
  const upper = q.prefix === '' ? undefined : successor(q.prefix);
  let lower = startOf(q.prefix, q.delimiter, q.after);
  let count = 0;
  while (lower !== undefined) {
    let seek: string | undefined;
    let jumped = false;
    for (const row of scan(lower, upper, q.max - count + 1)) {
      if (count === q.max) {
        result.truncated = true;
        return result;
      }
      count++;
      const group = commonPrefixOf(row.key, q.prefix, q.delimiter);
      if (group === undefined) {
        result.rows.push(row);
        result.last = { kind: 'row', row };
        continue;
      }
      result.prefixes.push(group);
      result.last = { kind: 'prefix', prefix: group };
      seek = successor(group);
      jumped = true;
      break;
    }
    if (!jumped) break;
    lower = seek;
  }
  return result;
}

/** The key or common prefix of an entry (the next `after` / key-marker). */
export function entryKey<R extends { key: string }>(entry: WalkEntry<R>): string {
  return entry.kind === 'row' ? entry.row.key : entry.prefix;
}
