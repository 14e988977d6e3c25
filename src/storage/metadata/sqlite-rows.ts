import type {
  BucketRecord,
  BucketVersioning,
  ChecksumAlgorithm,
  ChecksumType,
  MultipartUploadRecord,
  ObjectChecksum,
  ObjectEncryption,
  ObjectLock,
  ObjectRecord,
  ObjectSummary,
  ObjectVersion,
  PartInfo,
  PartRecord,
  StoredAcl,
  StoredObject,
  Tag,
  VersionSummary,
} from '../types.js';

/** Rows as SQLite returns them (column names as in schema.ts). */
export interface BucketRow {
  name: string;
  account: string;
  region: string;
  created_at: number;
  tags: string | null;
  versioning: string | null;
  object_lock: number;
}

export interface SummaryRow {
  key: string;
  size: number;
  etag: string;
  last_modified: number;
}

export interface VersionRow extends SummaryRow {
  version_id: string;
  is_latest: number;
  delete_marker: number;
}

export interface ObjectRow extends SummaryRow {
  bucket: string;
  version_id: string;
  content_type: string | null;
  headers: string;
  user_metadata: string;
  tags: string;
  checksum: string | null;
  parts: string | null;
  segments: string | null;
  inline_data: Buffer | null;
  object_lock: string | null;
  /** Set by `tessera admin scan --quarantine` (migration 7): what was found wrong. */
  damage: string | null;
  /** The version's ACL (migration 11); NULL: the default. */
  acl: string | null;
  /** Server-side encryption (migration 14); NULL: plain. */
  sse: string | null;
}

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated_at: number;
  content_type: string | null;
  headers: string;
  user_metadata: string;
  tags: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  object_lock: string | null;
  acl: string | null;
  sse: string | null;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  checksum: string | null;
  last_modified: number;
  blob_id: string;
  crc32: number | null;
}

const EMPTY_MAP = '{}';
const EMPTY_LIST = '[]';

// Most objects have no metadata and no tags: skip JSON.parse for the empty cases on GET/HEAD.
function parseMap(json: string): Record<string, string> {
  return json === EMPTY_MAP ? {} : (JSON.parse(json) as Record<string, string>);
}

function parseTags(json: string): Tag[] {
  return json === EMPTY_LIST ? [] : (JSON.parse(json) as Tag[]);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A map as stored; most objects have none, so the empty one skips JSON.stringify (PUT path). */
function mapJson(map: Readonly<Record<string, string>>): string {
  for (const _ in map) return toJson(map);
  return EMPTY_MAP;
}

function listJson(list: readonly unknown[]): string {
  return list.length === 0 ? EMPTY_LIST : toJson(list);
}

export function toBucket(row: BucketRow): BucketRecord {
  const record: BucketRecord = {
    name: row.name,
    account: row.account,
    region: row.region,
    createdAt: row.created_at,
  };
  if (row.versioning !== null) record.versioning = row.versioning as BucketVersioning;
  if (row.object_lock === 1) record.objectLock = true;
  return record;
}

export function toVersionSummary(row: VersionRow): VersionSummary {
  return {
    key: row.key,
    versionId: row.version_id,
    isLatest: row.is_latest === 1,
    deleteMarker: row.delete_marker === 1,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
  };
}

/** A version row read with its delete_marker flag: the object, or the marker it is. */
export function toVersion(row: ObjectRow & { delete_marker: number }): ObjectVersion {
  if (row.delete_marker === 0) return toObject(row);
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    lastModified: row.last_modified,
    deleteMarker: true,
  };
}

/** Named parameters of a delete marker row (insertVersion). */
export function markerParams(
  bucket: string,
  key: string,
  versionId: string,
  now: number,
): Record<string, unknown> {
  return {
    bucket,
    key,
    version_id: versionId,
    delete_marker: 1,
    size: 0,
    etag: '',
    last_modified: now,
    content_type: null,
    headers: EMPTY_MAP,
    user_metadata: EMPTY_MAP,
    tags: EMPTY_LIST,
    checksum: null,
    parts: null,
    segments: null,
    inline_data: null,
    object_lock: null,
    damage: null,
    acl: null,
    sse: null,
  };
}

export function bucketTags(row: BucketRow): Tag[] | undefined {
  return row.tags === null ? undefined : parseTags(row.tags);
}

export function toSummary(row: SummaryRow): ObjectSummary {
  return { key: row.key, size: row.size, etag: row.etag, lastModified: row.last_modified };
}

export function toObject(row: ObjectRow): StoredObject {
  const record: StoredObject = {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
    headers: parseMap(row.headers),
    userMetadata: parseMap(row.user_metadata),
    tags: parseTags(row.tags),
    data:
      row.segments === null
        ? { kind: 'inline', bytes: row.inline_data ?? Buffer.alloc(0) }
        : { kind: 'blobs', segments: JSON.parse(row.segments) },
  };
  if (row.content_type !== null) record.contentType = row.content_type;
  if (row.checksum !== null) record.checksum = JSON.parse(row.checksum) as ObjectChecksum;
  if (row.parts !== null) record.parts = JSON.parse(row.parts) as PartInfo[];
  if (row.object_lock !== null) record.lock = JSON.parse(row.object_lock) as ObjectLock;
  if (row.damage !== null) record.damage = row.damage;
  if (row.acl !== null) record.acl = JSON.parse(row.acl) as StoredAcl;
  if (row.sse) record.sse = JSON.parse(row.sse) as ObjectEncryption;
  return record;
}

/** Named parameters of the object upsert, as version `versionId`. */
export function objectParams(r: ObjectRecord, versionId: string): Record<string, unknown> {
  return {
    bucket: r.bucket,
    key: r.key,
    version_id: versionId,
    size: r.size,
    etag: r.etag,
    last_modified: r.lastModified,
    content_type: r.contentType ?? null,
    headers: mapJson(r.headers),
    user_metadata: mapJson(r.userMetadata),
    tags: listJson(r.tags),
    checksum: r.checksum === undefined ? null : toJson(r.checksum),
    parts: r.parts === undefined ? null : toJson(r.parts),
    segments:
      r.data.kind === 'blobs'
        ? toJson(
            r.data.segments.map((s) =>
              s.crc32 === undefined
                ? { blobId: s.blobId, size: s.size }
                : { blobId: s.blobId, size: s.size, crc32: s.crc32 },
            ),
          )
        : null,
    inline_data: r.data.kind === 'inline' ? r.data.bytes : null,
    object_lock: lockJson(r.lock),
    // A record written is never quarantined: fresh bytes (a rewrite of the key replaces the mark).
    damage: null,
    acl: aclJson(r.acl),
    sse: r.sse === undefined ? null : toJson(r.sse),
  };
}

/** An ACL as stored: NULL for the default. */
export function aclJson(acl: StoredAcl | undefined): string | null {
  return acl === undefined ? null : toJson(acl);
}

/** An Object Lock state as stored: NULL when it holds nothing. */
export function lockJson(lock: ObjectLock | undefined): string | null {
  if (lock === undefined) return null;
  const stored: ObjectLock = {};
  if (lock.mode !== undefined && lock.retainUntil !== undefined) {
    stored.mode = lock.mode;
    stored.retainUntil = lock.retainUntil;
  }
  if (lock.legalHold !== undefined) stored.legalHold = lock.legalHold;
  return Object.keys(stored).length === 0 ? null : toJson(stored);
}

export function parseLock(json: string | null): ObjectLock | undefined {
  return json === null ? undefined : (JSON.parse(json) as ObjectLock);
}

/** The distinct blob ids an object's data references. */
export function blobIdsOf(segments: string | null): string[] {
  if (segments === null) return [];
  return [...new Set((JSON.parse(segments) as { blobId: string }[]).map((s) => s.blobId))];
}

export function toUpload(row: UploadRow): MultipartUploadRecord {
  const upload: MultipartUploadRecord = {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    initiatedAt: row.initiated_at,
    headers: parseMap(row.headers),
    userMetadata: parseMap(row.user_metadata),
    tags: parseTags(row.tags),
  };
  if (row.content_type !== null) upload.contentType = row.content_type;
  if (row.checksum_algorithm !== null) upload.checksumAlgorithm = row.checksum_algorithm as ChecksumAlgorithm;
  if (row.checksum_type !== null) upload.checksumType = row.checksum_type as ChecksumType;
  if (row.object_lock !== null) upload.lock = JSON.parse(row.object_lock) as ObjectLock;
  if (row.acl !== null) upload.acl = JSON.parse(row.acl) as StoredAcl;
  if (row.sse) upload.sse = JSON.parse(row.sse) as ObjectEncryption;
  return upload;
}

export function uploadParams(u: MultipartUploadRecord): Record<string, unknown> {
  return {
    upload_id: u.uploadId,
    bucket: u.bucket,
    key: u.key,
    initiated_at: u.initiatedAt,
    content_type: u.contentType ?? null,
    headers: mapJson(u.headers),
    user_metadata: mapJson(u.userMetadata),
    tags: listJson(u.tags),
    checksum_algorithm: u.checksumAlgorithm ?? null,
    checksum_type: u.checksumType ?? null,
    object_lock: lockJson(u.lock),
    acl: aclJson(u.acl),
    sse: u.sse === undefined ? null : toJson(u.sse),
  };
}

export function toPart(row: PartRow): PartRecord {
  const part: PartRecord = {
    uploadId: row.upload_id,
    partNumber: row.part_number,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
    blobId: row.blob_id,
  };
  if (row.checksum !== null) part.checksum = JSON.parse(row.checksum) as ObjectChecksum;
  if (row.crc32 !== null) part.crc32 = row.crc32;
  return part;
}

export function partParams(p: PartRecord): Record<string, unknown> {
  return {
    upload_id: p.uploadId,
    part_number: p.partNumber,
    size: p.size,
    etag: p.etag,
    checksum: p.checksum === undefined ? null : toJson(p.checksum),
    last_modified: p.lastModified,
    blob_id: p.blobId,
    crc32: p.crc32 ?? null,
  };
}
