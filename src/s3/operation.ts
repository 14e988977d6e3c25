import type { AccessInput, S3AccessCheck, S3Action } from './access.js';
import type { S3Deps, S3Request, S3Response } from './context.js';

/**
 * What an S3 operation is made of, defined once per operation in `ops/<area>.ts`: its type (the
 * values the router parses for it), the routes that reach it, the IAM actions and checks that
 * authorize it, and the handler that serves it. `ops/index.ts` collects the specs into the table
 * the router, the authorizer and the dispatcher read.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST';

/** What every operation carries. */
export interface OperationBase<N extends string = string> {
  readonly name: N;
  /** True when the bucket came from the Host header (virtual-host style). */
  readonly virtualHost: boolean;
}

/** An operation on a bucket. */
export interface BucketOperation<N extends string> extends OperationBase<N> {
  readonly bucket: string;
}

/** An operation on an object. */
export interface ObjectOperation<N extends string> extends BucketOperation<N> {
  readonly key: string;
}

/** What a request addresses: the service (no bucket in path or Host), a bucket, or an object. */
export type Target = 'service' | 'bucket' | 'object';

/** The target an operation type allows: an ObjectOperation is reached on objects, and so on. */
export type TargetOf<O> = O extends { key: string }
  ? 'object'
  : O extends { bucket: string }
    ? 'bucket'
    : 'bucket' extends keyof O
      ? 'bucket' | 'object'
      : 'service';

/**
 * One way a request reaches an operation: method, target, and the query parameters (sub-resources)
 * that select it. A route without `query` is the method's default for its target. When several
 * routes match, router.ts decides by its sub-resource precedence.
 */
export interface Route<T extends Target = Target> {
  readonly method: HttpMethod;
  readonly target: T;
  /** Selects the route when any of these is present: `name`, or `name=value` for one value. */
  readonly query?: readonly string[];
  /** Not this route when any of these is present as well. */
  readonly unless?: readonly string[];
  /** x-amz-copy-source must be present (true) or absent (false); either when unset. */
  readonly copySource?: boolean;
}

/** An operation's own values: what it carries beyond name, bucket and key. */
export type OwnFields<O> = Omit<O, 'name' | 'virtualHost' | 'bucket' | 'key'>;

/**
 * The definition of one operation. `checks` and `handle` receive the operation's exact type; the
 * table calls them only for an operation of that name (looked up by `name`).
 */
export interface OperationSpec<O extends OperationBase> {
  readonly name: O['name'];
  readonly routes: readonly Route<TargetOf<O>>[];
  /**
   * Every IAM action that can allow or deny the operation: those of its checks, and those its
   * handler checks per key (DeleteObjects). A test keeps them in step with `checks`.
   */
  readonly actions: readonly S3Action[];
  /** Parses the operation's own query values, once; a malformed value fails with its S3 error. */
  readonly parse?: (query: URLSearchParams) => OwnFields<O>;
  /**
   * The operation stores new data or metadata: refused with 507 XMinioStorageFull below the free
   * space threshold (and when the disk fills during it), while reads and deletes go on.
   */
  readonly writes?: true;
  /** The authorization questions the operation asks, all of which must be allowed. */
  checks(op: O, input: AccessInput): S3AccessCheck[];
  handle(deps: S3Deps, req: S3Request<O>): Promise<S3Response>;
}

/**
 * A spec with its operation type erased, as the router and the dispatcher hold the table: they
 * look a spec up by the operation's name, so `checks` and `handle` get the operation they take.
 */
export interface AnyOperationSpec<O extends OperationBase = OperationBase> {
  readonly name: O['name'];
  readonly routes: readonly Route[];
  readonly actions: readonly S3Action[];
  readonly parse?: ((query: URLSearchParams) => object) | undefined;
  readonly writes?: true | undefined;
  checks(op: O, input: AccessInput): S3AccessCheck[];
  handle(deps: S3Deps, req: S3Request<O>): Promise<S3Response>;
}

/** The spec type to declare an operation with: `parse` is required when it has values of its own. */
export type Spec<O extends OperationBase> = [keyof OwnFields<O>] extends [never]
  ? OperationSpec<O>
  : OperationSpec<O> & { readonly parse: (query: URLSearchParams) => OwnFields<O> };
