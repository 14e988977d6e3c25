import type { TesseraError } from '../../core/index.js';
import type { S3Response } from '../../s3/index.js';
import type { Exchange, Trace, Verified } from '../exchange.js';

/** The APIs served on the S3 port. */
export type ApiName = 'S3' | 'Query' | 'MinioAdmin' | 'Health' | 'Metrics';

/** A request that passed authentication (anonymous included, when it carried no credentials). */
export interface Authenticated {
  readonly verified: Verified;
  /** The body, when authentication had to read it whole (signed forms whose hash the signature covers). */
  readonly body?: Buffer;
}

/** An error document in an API's wire format. */
export interface WireError {
  readonly contentType: string;
  readonly body: string;
}

/**
 * One API on the port (S3, the IAM/STS Query API, MinIO's admin API, health, metrics; the
 * console's backend later). The pipeline picks the API from the request line before anything
 * else, authenticates when the API asks for it, lets it serve, and renders its errors in the
 * API's own format.
 */
export interface Api {
  readonly name: ApiName;
  /** `signature`: the request is authenticated first (anonymous requests included, as classified); `none`: never. */
  readonly auth: 'signature' | 'none';
  /** Serves the exchange; throws TesseraError. `auth` is set when the API's `auth` is `signature`. */
  serve(x: Exchange, auth: Authenticated | undefined, trace: Trace): Promise<S3Response>;
  /** The error document for `err`, in this API's format. */
  renderError(err: TesseraError, x: Exchange): WireError;
}
