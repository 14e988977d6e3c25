import type { PgIamDb } from './pg-iam-db.js';
import type { IamChangesResult, IamFeedChange } from './types.js';

/** The change feed (iam_changes, iam_feed_head): sequence numbers commit in order (pg-iam-db.ts). */

export async function latestChangeSeq(d: PgIamDb): Promise<number> {
  // The head keeps the highest seq ever issued, even when every row was pruned.
  return (await d.one<{ seq: number }>('SELECT seq FROM iam_feed_head WHERE id = 1'))?.seq ?? 0;
}

export function changesSince(d: PgIamDb, seq: number, limit = 1000): Promise<IamChangesResult> {
  return d.read(async (s) => {
    const pruned =
      (await s.one<{ p: number }>('SELECT pruned_through AS p FROM iam_feed_head WHERE id = 1'))?.p ?? 0;
    const rows = await s.all<Omit<IamFeedChange, 'name'> & { name: Buffer }>(
      'SELECT seq, kind, account, name, at FROM iam_changes WHERE seq > $1 ORDER BY seq LIMIT $2',
      seq,
      Math.max(0, limit),
    );
    const changes = rows.map((r): IamFeedChange => ({ ...r, name: r.name.toString('utf8') }));
    return { changes, reset: seq < pruned };
  });
}

export function pruneChanges(d: PgIamDb, before: number): Promise<number> {
  return d.write(async (tx) => {
    const last = (
      await tx.one<{ seq: number | null }>(
        'SELECT max(seq) AS seq FROM iam_changes WHERE at < $1 AND seq < (SELECT max(seq) FROM iam_changes)',
        before,
      )
    )?.seq;
    if (last === undefined || last === null) return 0;
    const n = await tx.run('DELETE FROM iam_changes WHERE seq <= $1', last);
    await tx.run('UPDATE iam_feed_head SET pruned_through = GREATEST(pruned_through, $1) WHERE id = 1', last);
    return n;
  });
}
