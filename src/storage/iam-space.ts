import { isDiskFull, type SpaceGuard, storageFull } from './free-space.js';
import type { IamStore } from './iam/types.js';

/** Store methods that add to the metadata: refused below the free-space threshold. */
const GROWS = /^(create|put|attach|add|update|tag|set)[A-Z]/;
/** Store methods that remove: they go on, with the reserve when the disk is full. */
const FREES = /^(delete|remove|detach|untag|prune)[A-Z]/;

/**
 * The IAM store with the free-space threshold applied to it (docs/operations.md "Free space"):
 * methods that add to the metadata (create…, put…, attach…, add…, update…, tag…, set… — IAM
 * API writes, bucket policies, session revocations) are refused with 507 XMinioStorageFull below
 * the threshold, and one that meets a full disk answers the same; removals (delete…, remove…,
 * detach…, untag…, prune…) always run, releasing the reserve when the disk is full. Reads pass
 * through untouched.
 */
export function guardIamStore(store: IamStore, space: SpaceGuard | undefined): IamStore {
  if (space === undefined) return store;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof name !== 'string' || typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (GROWS.test(name)) {
        return async (...args: unknown[]) => {
          await space.assertWritable();
          try {
            return await fn.apply(target, args);
          } catch (e) {
            if (!isDiskFull(e)) throw e;
            space.invalidate();
            throw storageFull();
          }
        };
      }
      if (FREES.test(name)) return (...args: unknown[]) => space.freeing(() => fn.apply(target, args));
      return fn.bind(target);
    },
  });
}
