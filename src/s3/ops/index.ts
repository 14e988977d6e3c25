import type { AccessInput, S3AccessCheck } from '../access.js';
import type { S3Handler } from '../context.js';
import type { AnyOperationSpec } from '../operation.js';
import { writing } from '../space.js';
import { aclOperations } from './acl.js';
import { bucketOperations } from './buckets.js';
import { corsOperations } from './cors.js';
import { encryptionOperations } from './encryption.js';
import { lifecycleOperations } from './lifecycle.js';
import { listingOperations } from './listing.js';
import { multipartOperations } from './multipart.js';
import { objectLockOperations } from './object-lock.js';
import { objectOperations } from './objects.js';
import { ownershipOperations } from './ownership.js';
import { policyOperations } from './policy.js';
import { postObjectSpec } from './post-object.js';
import { publicAccessOperations } from './public-access.js';
import { serviceOperations } from './service.js';
import { taggingOperations } from './tagging.js';
import { notImplementedSpec } from './unbuilt.js';
import { versioningOperations } from './versioning.js';

/** Every operation Tessera routes, each defined once in its area's file. */
const OPERATIONS = [
  ...serviceOperations,
  ...bucketOperations,
  ...listingOperations,
  ...policyOperations,
  ...publicAccessOperations,
  ...taggingOperations,
  ...lifecycleOperations,
  ...corsOperations,
  ...encryptionOperations,
  ...versioningOperations,
  ...objectLockOperations,
  ...aclOperations,
  ...ownershipOperations,
  ...objectOperations,
  ...multipartOperations,
  postObjectSpec,
  notImplementedSpec,
] as const;

type OperationOf<S> = S extends { checks(op: infer O, input: AccessInput): S3AccessCheck[] } ? O : never;

/**
 * A routed S3 request: one variant per operation, discriminated on `name`, each with exactly its
 * own fields (bucket and key where it has them, its query values parsed and typed).
 */
export type S3Operation = OperationOf<(typeof OPERATIONS)[number]>;

export type OperationName = S3Operation['name'];

/** The operation named N: `OperationNamed<'PutObject'>`. */
export type OperationNamed<N extends OperationName> = Extract<S3Operation, { name: N }>;

/**
 * Any operation, read without narrowing: its name, and its bucket and key when it has them
 * (the request event, scope rules).
 */
export type Operation = S3Operation & { readonly bucket?: string; readonly key?: string };

/** The specs, each seen as taking any operation: callers look a spec up by the operation's name. */
export const operationSpecs: readonly AnyOperationSpec<S3Operation>[] = OPERATIONS;

const byName: ReadonlyMap<string, AnyOperationSpec<S3Operation>> = (() => {
  const map = new Map<string, AnyOperationSpec<S3Operation>>();
  for (const spec of operationSpecs) {
    if (map.has(spec.name)) throw new Error(`operation ${spec.name} is defined twice`);
    map.set(spec.name, spec);
  }
  return map;
})();

/** The spec of an operation. */
export function specOf(name: OperationName): AnyOperationSpec<S3Operation> {
  return byName.get(name)!;
}

/**
 * The authorization checks of an operation, as its spec defines them (HeadObject needs
 * s3:GetObject, CopyObject reads the source and writes the target, …); all must be allowed.
 * DeleteObjects asks none here: its handler checks each key.
 */
export function accessChecks(op: S3Operation, input: AccessInput): S3AccessCheck[] {
  return specOf(op.name).checks(op, input);
}

/** Every routed operation's handler, by operation name. */
export function s3Handlers(): Record<OperationName, S3Handler> {
  const handlers = {} as Record<OperationName, S3Handler>;
  for (const spec of operationSpecs) {
    handlers[spec.name] = async (deps, req) => {
      if (req.op.name !== spec.name) throw new Error(`${req.op.name} sent to the ${spec.name} handler`);
      return spec.writes ? writing(deps, () => spec.handle(deps, req)) : spec.handle(deps, req);
    };
  }
  return handlers;
}
