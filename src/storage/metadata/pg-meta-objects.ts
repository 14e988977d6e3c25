/**
 * The PostgreSQL store's object operations (PgMetadataStore's `o.`), in files by what they do:
 * the key write and its checks, version writes and removals, reads, in-place updates, blob
 * references.
 */
export { referencedBlobIds, unreferenced } from './pg-meta-blob-refs.js';
export { expectCurrent, type HeldBucket, keyWrite } from './pg-meta-key-write.js';
export { getObject, lookupObject, readObject } from './pg-meta-object-reads.js';
export { markDamaged, setObjectAcl, setObjectTags, updateObjectLock } from './pg-meta-object-updates.js';
export { commitObject, removeObject } from './pg-meta-object-writes.js';
