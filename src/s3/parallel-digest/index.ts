/**
 * Large uploads hashed on worker threads: MD5 (the ETag) and SHA-256 (chunk signatures,
 * x-amz-content-sha256) read the same slots of a shared ring that the file is written from.
 */
export {
  DigestThreads,
  type DigestThreadsOptions,
  startDigestThreads,
  usableDigestThreads,
} from './digest-threads.js';
export { SlotRing } from './slot-ring.js';
export { storeThreaded, type ThreadedResult } from './threaded-store.js';
