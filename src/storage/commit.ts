import type { SpaceGuard } from './free-space.js';
import type {
  BlobStore,
  MetadataStore,
  ObjectDelete,
  ObjectRecord,
  ObjectWrite,
  PartRecord,
  WriteExpectation,
} from './types.js';

/** What S3 answers about a committed object write: x-amz-version-id. */
export type CommittedWrite = Pick<ObjectWrite, 'versionId'>;
/** What S3 answers about a delete: x-amz-version-id (when defined) and x-amz-delete-marker. */
export type CommittedDelete = Pick<ObjectDelete, 'versionId' | 'deleteMarker'>;

/** The two stores a write touches, and the free-space guard deletes lean on. */
export interface WriteStores {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  /** When present, a delete that meets a full disk releases the reserve and tries again. */
  readonly space?: SpaceGuard | undefined;
}

/** Runs a change that frees space through the guard's reserve, when there is a guard. */
function freeing<T>(stores: Pick<WriteStores, 'space'>, fn: () => Promise<T>): Promise<T> {
  return stores.space === undefined ? fn() : stores.space.freeing(fn);
}

/**
 * The write protocol, owned here so that no caller repeats it (docs/architecture.md):
 *
 * 1. The caller has written and fsynced every new blob (BlobStore.write) before committing.
 * 2. The metadata commit is the moment the change becomes visible; it returns the blobs that
 *    nothing references any more (a replaced or removed version, unused parts).
 * 3. Released blobs are deleted only after the commit, so a crash in between leaves garbage,
 *    never loss; start-up recovery (Storage.recover) collects it.
 * 4. When the commit fails, blobs that only the failed record referenced were never visible:
 *    they are deleted before the error rises.
 *
 * Step 2 decides by the bucket's versioning state what is released: nothing while older
 * versions are kept (Enabled), a replaced 'null' version otherwise.
 */

/**
 * Commits an object (PutObject, CopyObject) by its bucket's versioning state, then deletes the
 * blobs of the version it replaced; returns the version id assigned.
 * @example const { versionId } = await commitObjectVersioned(deps, record); // deps: { metadata, blobs }
 */
export async function commitObjectVersioned(
  stores: WriteStores,
  record: ObjectRecord,
  expect?: WriteExpectation,
): Promise<CommittedWrite> {
  let write: ObjectWrite;
  try {
    write = await stores.metadata.putObjectVersioned(record, expect);
  } catch (e) {
    if (record.data.kind === 'blobs') await stores.blobs.delete(record.data.segments.map((s) => s.blobId));
    throw e;
  }
  await release(stores, write.released);
  return { versionId: write.versionId };
}

/** commitObjectVersioned, for callers that do not answer with the version id. */
export async function commitObject(
  stores: WriteStores,
  record: ObjectRecord,
  expect?: WriteExpectation,
): Promise<void> {
  await commitObjectVersioned(stores, record, expect);
}

/**
 * DeleteObject: removes the named version for good, or without `versionId` acts by the bucket's
 * versioning state (removes the current version, or puts a delete marker on top); then deletes
 * the blobs released. Removing what does not exist succeeds, as in S3.
 */
export async function removeObjectVersioned(
  stores: WriteStores,
  bucket: string,
  key: string,
  versionId?: string,
  expect?: WriteExpectation,
): Promise<CommittedDelete> {
  const done = await freeing(stores, () =>
    stores.metadata.deleteObjectVersioned(bucket, key, versionId, undefined, expect),
  );
  await release(stores, done.released);
  return done.versionId === undefined
    ? { deleteMarker: done.deleteMarker }
    : { versionId: done.versionId, deleteMarker: done.deleteMarker };
}

/** removeObjectVersioned, for callers that do not answer with the version id. */
export async function removeObject(
  stores: WriteStores,
  bucket: string,
  key: string,
  versionId?: string,
  expect?: WriteExpectation,
): Promise<void> {
  await removeObjectVersioned(stores, bucket, key, versionId, expect);
}

/** Records an uploaded part, then deletes the blob of the part it replaced; on failure, its own blob. */
export async function commitPart(stores: WriteStores, part: PartRecord): Promise<void> {
  let replaced: string | undefined;
  try {
    replaced = await stores.metadata.putPart(part);
  } catch (e) {
    await stores.blobs.delete([part.blobId]);
    throw e;
  }
  if (replaced !== undefined) await release(stores, [replaced]);
}

/**
 * Completes a multipart upload into `record` (whose segments are part blobs, not copies), then
 * deletes the parts it did not use and the blobs of the version it replaced (versioning as
 * commitObject; returns the version id). On failure nothing
 * is deleted: the part blobs still belong to the upload.
 */
export async function commitUploadVersioned(
  stores: WriteStores,
  uploadId: string,
  record: ObjectRecord,
  expect?: WriteExpectation,
): Promise<CommittedWrite> {
  const write = await stores.metadata.completeUploadVersioned(uploadId, record, expect);
  await release(stores, write.released);
  return { versionId: write.versionId };
}

/** commitUploadVersioned, for callers that do not answer with the version id. */
export async function commitUpload(
  stores: WriteStores,
  uploadId: string,
  record: ObjectRecord,
  expect?: WriteExpectation,
): Promise<void> {
  await commitUploadVersioned(stores, uploadId, record, expect);
}

/** Aborts a multipart upload, then deletes its parts' blobs. NoSuchUpload if it is gone. */
export async function removeUpload(
  stores: WriteStores,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  await release(stores, await freeing(stores, () => stores.metadata.abortUpload(bucket, key, uploadId)));
}

/**
 * Deletes a bucket (NoSuchBucket, BucketNotEmpty), then what belongs to it outside the metadata
 * store (its policy, kept by the identity directory). The delete is the commit: a release that
 * fails cannot undo it and does not fail it.
 */
export async function removeBucket(
  stores: Pick<WriteStores, 'metadata' | 'space'>,
  name: string,
  releaseDependents: (bucket: string) => Promise<unknown>,
): Promise<void> {
  await freeing(stores, () => stores.metadata.deleteBucket(name));
  await releaseDependents(name).catch(() => {});
}

async function release(stores: WriteStores, blobIds: string[]): Promise<void> {
  if (blobIds.length > 0) await stores.blobs.delete(blobIds);
}
