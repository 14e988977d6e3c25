import type { BlobStore, MetadataStore, ObjectRecord, PartRecord } from './types.js';

/** The two stores a write touches. */
export interface WriteStores {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
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
 * Versioning will make step 2 decide what is released (nothing, while older versions are kept);
 * callers do not change.
 */

/**
 * Commits an object (PutObject, CopyObject), then deletes the blobs of the version it replaced.
 * @example await commitObject(deps, record); // deps: { metadata, blobs }
 */
export async function commitObject(stores: WriteStores, record: ObjectRecord): Promise<void> {
  let released: string[];
  try {
    released = await stores.metadata.putObject(record);
  } catch (e) {
    if (record.data.kind === 'blobs') await stores.blobs.delete(record.data.segments.map((s) => s.blobId));
    throw e;
  }
  await release(stores, released);
}

/**
 * Removes one version of an object (the current one when `versionId` is undefined), then its
 * blobs. Removing what does not exist succeeds, as in S3.
 */
export async function removeObject(
  stores: WriteStores,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<void> {
  await release(stores, await stores.metadata.deleteObject(bucket, key, versionId));
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
 * deletes the parts it did not use and the blobs of the version it replaced. On failure nothing
 * is deleted: the part blobs still belong to the upload.
 */
export async function commitUpload(
  stores: WriteStores,
  uploadId: string,
  record: ObjectRecord,
): Promise<void> {
  await release(stores, await stores.metadata.completeUpload(uploadId, record));
}

/** Aborts a multipart upload, then deletes its parts' blobs. NoSuchUpload if it is gone. */
export async function removeUpload(
  stores: WriteStores,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  await release(stores, await stores.metadata.abortUpload(bucket, key, uploadId));
}

/**
 * Deletes a bucket (NoSuchBucket, BucketNotEmpty), then what belongs to it outside the metadata
 * store (its policy, kept by the identity directory). The delete is the commit: a release that
 * fails cannot undo it and does not fail it.
 */
export async function removeBucket(
  stores: Pick<WriteStores, 'metadata'>,
  name: string,
  releaseDependents: (bucket: string) => Promise<unknown>,
): Promise<void> {
  await stores.metadata.deleteBucket(name);
  await releaseDependents(name).catch(() => {});
}

async function release(stores: WriteStores, blobIds: string[]): Promise<void> {
  if (blobIds.length > 0) await stores.blobs.delete(blobIds);
}
