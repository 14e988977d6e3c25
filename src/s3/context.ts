import type { Readable } from 'node:stream';
import type { BlobStore, MetadataStore, SpaceGuard } from '../storage/index.js';
import type { S3AccessCheck, S3Action } from './access.js';
import type { DamageSink } from './object-reader.js';
import type { OperationBase } from './operation.js';
import type { Operation, OperationName, OperationNamed } from './ops/index.js';
import type { DigestThreads } from './parallel-digest/digest-threads.js';
import type { PostFormAuthority } from './post-object/authority.js';
import type { BuiltinKms } from './sse/kms.js';

/** What every S3 handler may use: the stores and the server's settings. */
export interface S3Deps {
  metadata: MetadataStore;
  blobs: BlobStore;
  /** The region the server answers for (GetBucketLocation, CreateBucket's LocationConstraint). */
  region: string;
  /** The owning account of buckets created through this server (docs/architecture.md). */
  account: string;
  /** Bucket (resource) policies, validated and stored by the identity directory. */
  bucketPolicies: BucketPolicyPort;
  /** Owner shown in listings. */
  owner: { id: string; displayName: string };
  /** Object Ownership of new buckets without x-amz-object-ownership (TESSERA_DEFAULT_OBJECT_OWNERSHIP; unset: BucketOwnerEnforced). */
  defaultObjectOwnership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | undefined;
  /** The free-space threshold writes respect, and the reserve deletes may use (docs/operations.md). */
  space?: SpaceGuard | undefined;
  /** Where damaged stored bytes are reported (a missing, cut or altered blob found on read). */
  reportDamage?: DamageSink;
  /** Hash threads for large uploads (parallel-digest/), when the server started them. */
  digestThreads?: DigestThreads | undefined;
  /** Accounts (docs/accounts.md); absent: only the default account exists. */
  accounts?: AccountsPort | undefined;
  /** Server-side encryption (docs/encryption.md): the built-in KMS; absent: SSE is refused. */
  sse?: SseDeps | undefined;
}

/** What server-side encryption needs (docs/encryption.md). */
export interface SseDeps {
  kms: BuiltinKms;
  /** TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK (tests, development): SSE-C over plain HTTP from loopback. */
  customerKeysOverLoopbackHttp: boolean;
}

/** What handlers need of accounts (the identity directory and the bucket→account cache implement it). */
export interface AccountsPort {
  /** This process created or deleted the bucket: forget which account owned it. */
  bucketChanged(bucket: string): void;
  /** The account's name (ListBuckets' DisplayName); undefined when unknown. */
  displayName(account: string): Promise<string | undefined>;
  /** The account that owns a bucket (undefined: no such bucket; '' the default account). */
  bucketAccount(bucket: string): string | undefined | Promise<string | undefined>;
  /** Every account's id but the default account's (canonical ids of ACL grants resolve against them). */
  ids(): Promise<readonly string[]>;
}

/**
 * Authorization questions a handler asks after the operation itself was allowed: DeleteObjects
 * checks s3:DeleteObject per key, ListBuckets lists only buckets the principal may use.
 */
export interface S3Access {
  objectAllowed(action: S3Action, bucket: string, key: string): Promise<boolean>;
  bucketAllowed(action: S3Action, bucket: string): Promise<boolean>;
  bucketVisible(bucket: string): Promise<boolean>;
  /** Whether one check (with its own condition keys) is allowed. */
  allowedCheck(check: S3AccessCheck): Promise<boolean>;
  /**
   * Every check must be allowed, else AccessDeniedError (with the decision): for operations whose
   * condition keys come from their body (PutObjectRetention, PutObjectLegalHold).
   */
  requireChecks(checks: readonly S3AccessCheck[]): Promise<void>;
}

/** Where bucket policies live (the IAM directory implements it). */
export interface BucketPolicyPort {
  get(bucket: string): Promise<{ document: string } | undefined>;
  /** Validates (MalformedPolicy with the reason) and stores. */
  put(account: string, bucket: string, document: string): Promise<void>;
  /** NoSuchBucketPolicy when there is none. */
  delete(bucket: string): Promise<void>;
}

/**
 * An authorized request as a handler sees it: no Authorization header, no secret. A handler gets
 * its operation's exact type (`S3Request<OperationNamed<'PutObject'>>`, via S3Handler<'PutObject'>).
 */
export interface S3Request<O extends OperationBase = Operation> {
  op: O;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The decoded payload (aws-chunked framing removed, payload hash checked while read). */
  body: Readable;
  /** Length of the decoded payload when known in advance. */
  contentLength: number | undefined;
  /** Verified trailing headers (aws-chunked trailers), available once the body has ended. */
  trailers: () => ReadonlyMap<string, string> | undefined;
  /** True for anonymous requests (response-* overrides are refused for them, as AWS does). */
  anonymous: boolean;
  /** The caller's account ('' = the default account; absent: the default account). */
  account?: string;
  requestId: string;
  now: number;
  /** Undefined for root, who may do everything. */
  access?: S3Access | undefined;
  /** PostObject only: authenticates the form and authorizes the upload (post-object/authority.ts). */
  postForm?: PostFormAuthority | undefined;
  /** The connection: TLS (the socket's own flag) and whether the peer is on loopback (SSE-C needs TLS). */
  transport?: { encrypted: boolean; loopback: boolean } | undefined;
}

/** What a handler answers; `http` writes it. */
export interface S3Response {
  status: number;
  headers: Record<string, string | number>;
  body?: string | Buffer | Readable;
  /** Called after the body has been written or the response aborted (closes blob handles). */
  cleanup?: () => Promise<void> | void;
}

/** The handler of operation `N` (of any operation without `N`). */
export type S3Handler<N extends OperationName = OperationName> = (
  deps: S3Deps,
  req: S3Request<OperationNamed<N>>,
) => Promise<S3Response>;

/** Reads a single header value (first one if repeated). */
export function header(req: Pick<S3Request<OperationBase>, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function xmlResponse(
  body: string,
  status = 200,
  headers: Record<string, string | number> = {},
): S3Response {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body };
}

export function emptyResponse(status = 200, headers: Record<string, string | number> = {}): S3Response {
  return { status, headers };
}
