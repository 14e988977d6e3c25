import type { VerifiedUrlCache } from './presign/signature-cache.js';
/**
 * Types shared by the authentication steps. `auth` is pure: it never does I/O of its own and
 * takes the time as an argument; credential lookup is supplied by the caller (cli wires IAM).
 */

/** Every way a request can prove (or not prove) who sent it. */
export type AuthKind =
  | 'anonymous'
  | 'sigv4-header'
  | 'sigv4-presigned'
  | 'sigv4-streaming'
  | 'sigv4-streaming-trailer'
  | 'sigv4-streaming-unsigned-trailer'
  | 'sigv2-header'
  | 'sigv2-presigned'
  /** POST Object: a browser form whose fields sign its policy (SigV4 or SigV2). */
  | 'post-policy';

/** The parts of an HTTP request that authentication reads. */
export interface AuthRequest {
  method: string;
  /** The path exactly as it appeared on the request line (still percent-encoded), without the query. */
  rawPath: string;
  /** The query string exactly as received, without the leading '?'. */
  rawQuery: string;
  /** Lower-case header names; repeated headers joined as node:http does, or as arrays. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The whole body, when the caller has already buffered it (small form posts such as STS/IAM
   * calls). SigV4 clients for services other than s3 send no x-amz-content-sha256 header and
   * sign the body's hash, so verifying them needs the body. See `needsBody`.
   */
  body?: Uint8Array;
}

/** What a credential lookup returns for an access key; `P` is who it belongs to (IAM's Principal). */
export interface Credential<P = unknown> {
  accessKey: string;
  secretKey: string;
  /** Who this key belongs to (filled by IAM; auth passes it on untouched). */
  principal: P;
  /** The session token this key requires (temporary credentials), if any. */
  sessionToken?: string;
}

/**
 * Looks up an access key; undefined when unknown. May be synchronous or asynchronous.
 * `sessionToken` is the token the request carried (if any), so that temporary credentials whose
 * secret is derived from the token can be resolved.
 */
export type CredentialLookup<P = unknown> = (
  accessKey: string,
  sessionToken?: string,
) => Credential<P> | undefined | Promise<Credential<P> | undefined>;

/**
 * How the request body must be treated after the headers verified.
 * - `none`: no integrity check beyond what the S3 layer does (Content-MD5, checksums).
 * - `sha256`: the body's SHA-256 must equal `expected` (else XAmzContentSHA256Mismatch).
 * - `aws-chunked`: the body is aws-chunked framing; decode it with `createChunkedDecoder`.
 */
export type PayloadCheck =
  | { type: 'none' }
  | { type: 'sha256'; expected: string }
  | { type: 'aws-chunked'; decoder: ChunkedDecoderOptions };

export interface ChunkedDecoderOptions {
  /** When present, every chunk signature is verified and chained from the seed signature. */
  signing?: {
    signingKey: Buffer;
    amzDate: string;
    scope: string;
    seedSignature: string;
  };
  /** Names of trailing headers announced in x-amz-trailer (lower-case), e.g. x-amz-checksum-crc32. */
  trailers: string[];
  /** Whether the trailer itself carries x-amz-trailer-signature that must verify. */
  signedTrailer: boolean;
  /** x-amz-decoded-content-length, when sent: the decoded body must have exactly this length. */
  decodedLength?: number;
}

/**
 * The result of successful authentication. Handlers see this, never the signature or secret.
 * `P` is the lookup's principal type; anonymous requests have none.
 */
export interface VerifiedRequest<P = unknown> {
  kind: AuthKind;
  /** Undefined for anonymous requests. */
  accessKey?: string;
  /** The credential's principal; undefined for anonymous requests. */
  principal: P | undefined;
  /** The region of the credential scope (SigV4), or undefined. */
  region?: string;
  /** The service of the credential scope (s3, iam, sts) or undefined for V2/anonymous. */
  service?: string;
  /** When the request was signed (epoch ms), for s3:signatureAge. */
  signedAt?: number;
  /** 'AWS' (V2) or 'AWS4-HMAC-SHA256' (V4), for s3:signatureversion. */
  signatureVersion?: 'AWS' | 'AWS4-HMAC-SHA256';
  /** The session token sent with the request, if any. */
  sessionToken?: string;
  payload: PayloadCheck;
  /**
   * Whether the signature covers the body: a signed SHA-256 (declared, or the body hashed by the
   * verifier), or signed aws-chunked chunks. False for UNSIGNED-PAYLOAD, unsigned-chunk streaming,
   * SigV2 and anonymous requests.
   */
  payloadSigned: boolean;
}

export interface VerifyOptions<P = unknown> {
  /** The current time, epoch ms. */
  now: number;
  /** Allowed clock skew for header-signed requests, ms (default 15 minutes). */
  maxSkewMs?: number;
  lookup: CredentialLookup<P>;
  /** Derived signing keys (bounded); default: one cache per process. Tests pass their own. */
  signingKeys?: { get(secret: string, date: string, region: string, service: string): Buffer };
  /** SigV4 scope services accepted (default ['s3', 'iam', 'sts']). */
  services?: readonly string[];
  /**
   * Presigned URLs verified before (presign/signature-cache.ts); default: one cache per
   * process; null: none (every URL verified from scratch).
   */
  verifiedUrls?: VerifiedUrlCache | null;
  /**
   * Base domains for virtual-host-style requests (e.g. 's3.example.com'): a Host of
   * 'bucket.s3.example.com' names bucket 'bucket'. SigV2's canonical resource needs the bucket.
   */
  domains?: readonly string[];
}
