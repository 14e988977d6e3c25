import { TesseraError } from '../../core/index.js';
import type {
  ListPartsQuery,
  ListPartsResult,
  ListUploadsQuery,
  ListUploadsResult,
  MultipartUploadRecord,
  ObjectRecord,
  ObjectWrite,
  PartRecord,
  WriteExpectation,
} from '../types.js';
import { type AsyncUploadSource, listUploadsAsync } from './list-uploads.js';
import { unreferenced } from './pg-meta-blob-refs.js';
import { bucketState, noSuchBucket } from './pg-meta-buckets.js';
import { locks, type PgMetaDb, type PgMetaQueries, type PgMetaTx } from './pg-meta-db.js';
import { expectCurrent, keyWrite } from './pg-meta-key-write.js';
import { commitObject } from './pg-meta-object-writes.js';
import {
  keyBytes,
  type PgUploadRow,
  pgUpload,
  UPLOAD_COLUMNS,
  uploadPlaceholders,
  uploadValues,
} from './pg-meta-rows.js';
import { type PartRow, partParams, toPart } from './sqlite-rows.js';

/** Multipart uploads and their parts in PostgreSQL (see pg-meta-db.ts for the lock order). */

function noSuchUpload(uploadId: string): TesseraError {
  return new TesseraError('NoSuchUpload', undefined, { UploadId: uploadId });
}

const UPLOAD = `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE upload_id = $1`;
const UPLOAD_ORDER = 'ORDER BY key, initiated_at, upload_id';

export async function createUpload(d: PgMetaDb, upload: MultipartUploadRecord): Promise<void> {
  await d.write([locks.bucket(upload.bucket)], async (t) => {
    const b = await bucketState(t, upload.bucket);
    if (b === undefined) throw noSuchBucket(upload.bucket);
    await t.run(
      `INSERT INTO uploads (account, ${UPLOAD_COLUMNS}) VALUES ($1, ${uploadPlaceholders(2)})`,
      b.account,
      ...uploadValues(upload),
    );
  });
}

export async function getUpload(
  d: PgMetaQueries,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<MultipartUploadRecord | undefined> {
  const row = await d.one<PgUploadRow>(UPLOAD, uploadId);
  if (row === undefined) return undefined;
  const upload = pgUpload(row);
  return upload.bucket !== bucket || upload.key !== key ? undefined : upload;
}

export async function putPart(d: PgMetaDb, part: PartRecord): Promise<string | undefined> {
  // The upload's lock (shared) keeps Complete and Abort out until this commits.
  const held = [locks.upload(part.uploadId), locks.part(part.uploadId, part.partNumber)];
  return d.write(held, async (t) => {
    const upload = await t.one<{ account: string }>(
      'SELECT account FROM uploads WHERE upload_id = $1',
      part.uploadId,
    );
    if (upload === undefined) throw noSuchUpload(part.uploadId);
    const old = await t.one<{ blob_id: string }>(
      'SELECT blob_id FROM parts WHERE upload_id = $1 AND part_number = $2',
      part.uploadId,
      part.partNumber,
    );
    const p = partParams(part);
    await t.run(
      `INSERT INTO parts (account, upload_id, part_number, size, etag, checksum, last_modified, blob_id, crc32)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         checksum = excluded.checksum, last_modified = excluded.last_modified, blob_id = excluded.blob_id,
         crc32 = excluded.crc32`,
      upload.account,
      p.upload_id,
      p.part_number,
      p.size,
      p.etag,
      p.checksum,
      p.last_modified,
      p.blob_id,
      p.crc32,
    );
    if (old === undefined || old.blob_id === part.blobId) return undefined;
    return (await unreferenced(t, [old.blob_id]))[0];
  });
}

export async function listParts(d: PgMetaDb, q: ListPartsQuery): Promise<ListPartsResult> {
  return d.read(async (s) => {
    if ((await s.one('SELECT 1 AS x FROM uploads WHERE upload_id = $1', q.uploadId)) === undefined)
      throw noSuchUpload(q.uploadId);
    if (q.maxParts <= 0) return { parts: [], isTruncated: false };
    const rows = await s.all<PartRow>(
      'SELECT * FROM parts WHERE upload_id = $1 AND part_number > $2 ORDER BY part_number LIMIT $3',
      q.uploadId,
      q.partNumberMarker,
      q.maxParts + 1,
    );
    const parts = rows.slice(0, q.maxParts).map(toPart);
    const result: ListPartsResult = { parts, isTruncated: rows.length > q.maxParts };
    if (result.isTruncated) result.nextPartNumberMarker = parts[parts.length - 1]!.partNumber;
    return result;
  });
}

export async function getParts(d: PgMetaDb, uploadId: string): Promise<PartRecord[]> {
  return (
    await d.all<PartRow>('SELECT * FROM parts WHERE upload_id = $1 ORDER BY part_number', uploadId)
  ).map(toPart);
}

/** Removes an upload of this bucket and key with its parts (under its exclusive lock); returns the parts' blob ids. */
async function takeUpload(t: PgMetaTx, bucket: string, key: string, uploadId: string): Promise<string[]> {
  const row = await t.one<{ bucket: string; key: Buffer }>(
    'SELECT bucket, key FROM uploads WHERE upload_id = $1',
    uploadId,
  );
  if (row === undefined || row.bucket !== bucket || !row.key.equals(keyBytes(key)))
    throw noSuchUpload(uploadId);
  const blobs = await t.all<{ blob_id: string }>(
    'SELECT DISTINCT blob_id FROM parts WHERE upload_id = $1',
    uploadId,
  );
  await t.run('DELETE FROM parts WHERE upload_id = $1', uploadId);
  await t.run('DELETE FROM uploads WHERE upload_id = $1', uploadId);
  return blobs.map((b) => b.blob_id);
}

export async function completeUpload(
  d: PgMetaDb,
  uploadId: string,
  record: ObjectRecord,
  expect?: WriteExpectation,
): Promise<ObjectWrite> {
  return keyWrite(
    d,
    record.bucket,
    record.key,
    async (t, b) => {
      await expectCurrent(t, record.bucket, record.key, expect);
      const partBlobs = await takeUpload(t, record.bucket, record.key, uploadId);
      const { versionId, released } = await commitObject(t, b, record);
      // Part blobs the new object's segments do not reference are garbage now.
      return { versionId, released: [...new Set([...released, ...(await unreferenced(t, partBlobs))])] };
    },
    [locks.upload(uploadId, true)],
  );
}

export async function abortUpload(
  d: PgMetaDb,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<string[]> {
  return d.write([locks.upload(uploadId, true)], async (t) =>
    unreferenced(t, await takeUpload(t, bucket, key, uploadId)),
  );
}

/** One bucket's uploads as listUploadsAsync reads them (inside a read snapshot). */
function uploadSource(s: PgMetaQueries, bucket: string): AsyncUploadSource {
  return {
    async upload(uploadId) {
      const row = await s.one<PgUploadRow>(UPLOAD, uploadId);
      return row === undefined ? undefined : pgUpload(row);
    },
    async uploadsOfKey(key, position, limit) {
      const rows =
        'initiatedAt' in position
          ? await s.all<PgUploadRow>(
              `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = $1 AND key = $2
                 AND (initiated_at, upload_id) > ($3, $4) ${UPLOAD_ORDER} LIMIT $5`,
              bucket,
              keyBytes(key),
              position.initiatedAt,
              position.uploadId,
              limit,
            )
          : await s.all<PgUploadRow>(
              `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = $1 AND key = $2 AND upload_id > $3
                 ${UPLOAD_ORDER} LIMIT $4`,
              bucket,
              keyBytes(key),
              position.uploadId,
              limit,
            );
      return rows.map(pgUpload);
    },
    async *scan(lower, upper, limit) {
      const rows =
        upper === undefined
          ? await s.all<PgUploadRow>(
              `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = $1 AND key >= $2 ${UPLOAD_ORDER} LIMIT $3`,
              bucket,
              keyBytes(lower),
              limit,
            )
          : await s.all<PgUploadRow>(
              `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = $1 AND key >= $2 AND key < $3
                 ${UPLOAD_ORDER} LIMIT $4`,
              bucket,
              keyBytes(lower),
              keyBytes(upper),
              limit,
            );
      yield rows.map(pgUpload);
    },
  };
}

export async function listUploads(d: PgMetaDb, q: ListUploadsQuery): Promise<ListUploadsResult> {
  return d.read((s) => listUploadsAsync(uploadSource(s, q.bucket), q));
}
