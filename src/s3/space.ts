import { isDiskFull, storageFull } from '../storage/index.js';
import type { S3Deps } from './context.js';

/**
 * Runs an operation that stores data: refused at once below the free-space threshold, and a
 * disk that fills during it is answered as the same 507 XMinioStorageFull, not as an internal
 * error (docs/operations.md). The store's write protocol has already removed what the failed
 * write left.
 */
export async function writing<T>(deps: Pick<S3Deps, 'space'>, fn: () => Promise<T>): Promise<T> {
  await deps.space?.assertWritable();
  try {
    return await fn();
  } catch (e) {
    if (!isDiskFull(e)) throw e;
    deps.space?.invalidate();
    throw storageFull();
  }
}
