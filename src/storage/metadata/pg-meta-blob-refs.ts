import type { ObjectRecord } from '../types.js';
import type { PgMetaDb, PgMetaQueries, PgMetaTx } from './pg-meta-db.js';

/** Of `blobIds`, those that no object version and no part references (in the order given). */
export async function unreferenced(q: PgMetaQueries, blobIds: readonly string[]): Promise<string[]> {
  if (blobIds.length === 0) return [];
  const rows = await q.all<{ id: string }>(
    `SELECT u.id FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)
     WHERE NOT EXISTS (SELECT 1 FROM object_blobs WHERE blob_id = u.id)
       AND NOT EXISTS (SELECT 1 FROM parts WHERE blob_id = u.id)
     ORDER BY u.n`,
    [...new Set(blobIds)],
  );
  return rows.map((r) => r.id);
}

/** Records which blobs the version row `id` of `record` references (object_blobs). */
export async function referenceBlobs(
  t: PgMetaTx,
  record: ObjectRecord,
  id: number,
  account: string,
): Promise<void> {
  if (record.data.kind !== 'blobs' || record.data.segments.length === 0) return;
  await t.run(
    `INSERT INTO object_blobs (blob_id, object_id, account)
     SELECT DISTINCT b, $2::bigint, $3 FROM unnest($1::text[]) AS b ON CONFLICT DO NOTHING`,
    record.data.segments.map((s) => s.blobId),
    id,
    account,
  );
}

/** Every blob id an object or part references (may repeat); paged, one statement per page. */
export async function* referencedBlobIds(d: PgMetaDb): AsyncIterable<string> {
  const page = 1000;
  for (const table of ['object_blobs', 'parts']) {
    let last = '';
    for (;;) {
      const rows = await d.all<{ blob_id: string }>(
        `SELECT blob_id FROM ${table} WHERE blob_id > $1 ORDER BY blob_id LIMIT $2`,
        last,
        page,
      );
      for (const r of rows) yield r.blob_id;
      if (rows.length < page) break;
      last = rows[rows.length - 1]!.blob_id;
    }
  }
}
