import { expect } from 'vitest';
import type { ErrorCode } from '../../core/index.js';
import type {
  BlobSegment,
  BucketRecord,
  ListVersionsQuery,
  MultipartUploadRecord,
  ObjectRecord,
  PartRecord,
} from '../types.js';

/** Record builders shared by the contract suites. */
export function bucket(name: string, account = ''): BucketRecord {
  return { name, account, region: 'us-east-1', createdAt: 1_700_000_000_000 };
}

/** An object as the store returns it; its versionId is the one an unversioned bucket assigns. */
export function inlineObject(bucketName: string, key: string, body = 'hello'): ObjectRecord {
  return {
    bucket: bucketName,
    key,
    versionId: 'null',
    size: Buffer.byteLength(body),
    etag: '5d41402abc4b2a76b9719d911017c592',
    lastModified: 1_700_000_000_500,
    headers: {},
    userMetadata: {},
    tags: [],
    data: { kind: 'inline', bytes: Buffer.from(body) },
  };
}

export function blobObject(bucketName: string, key: string, segments: BlobSegment[]): ObjectRecord {
  return {
    ...inlineObject(bucketName, key),
    size: segments.reduce((n, s) => n + s.size, 0),
    data: { kind: 'blobs', segments },
  };
}

export function upload(
  bucketName: string,
  key: string,
  uploadId: string,
  initiatedAt = 1,
): MultipartUploadRecord {
  return { uploadId, bucket: bucketName, key, initiatedAt, headers: {}, userMetadata: {}, tags: [] };
}

export function part(uploadId: string, partNumber: number, blobId: string, size = 5): PartRecord {
  return {
    uploadId,
    partNumber,
    size,
    etag: `etag${partNumber}`,
    lastModified: 1_700_000_001_000 + partNumber,
    blobId,
  };
}

/** Collects an async iterable (e.g. referencedBlobIds) into a set. */
export async function collect(ids: AsyncIterable<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const id of ids) out.add(id);
  return out;
}

/** Asserts that `promise` rejects with a TesseraError of the given code. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'TesseraError', code });
}

/** AWS-style version ids: 32 URL-safe characters (what src/s3/version-id.ts accepts). */
export const VERSION_ID = /^[A-Za-z0-9._-]{32}$/;

/** A record as a caller writes it: the store assigns the version id. */
export function fresh(record: ObjectRecord): ObjectRecord {
  const { versionId: _, ...rest } = record;
  return rest;
}

/** A one-segment blob object as a caller writes it (no version id). */
export function freshBlob(bucketName: string, key: string, blobId: string): ObjectRecord {
  return fresh(blobObject(bucketName, key, [{ blobId, size: 1 }]));
}

export function versionsQuery(q: Partial<ListVersionsQuery> = {}): ListVersionsQuery {
  return { prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 1000, ...q };
}
