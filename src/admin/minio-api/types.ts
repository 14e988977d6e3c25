import type { ChangeFact } from '../../audit/index.js';
import type { Principal } from '../../core/index.js';

/**
 * A MinIO admin call (`/minio/admin/v3|v4/<call>`) as the http layer hands it over: already
 * authenticated (SigV4, scope service `s3`, as madmin-go signs), the body not read yet.
 */
export interface MinioAdminRequest {
  readonly method: string;
  /** The call's path below the version, e.g. `add-user`, `idp/builtin/policy/attach`. */
  readonly call: string;
  readonly query: URLSearchParams;
  readonly principal: Principal;
  /** The signing credential's secret key: madmin's password for encrypted bodies. */
  readonly secretKey: string;
  /** The Content-Length the client declared (undefined: none, e.g. chunked). */
  readonly contentLength: number | undefined;
  /** Reads the body (its signed hash verified), refusing more than `limit` bytes. */
  body(limit: number): Promise<Buffer>;
  /** The Host the client called (MinIO's server endpoint in `info`). */
  readonly host?: string;
  /** Whether the request came over TLS. */
  readonly secure?: boolean;
  /** Global condition keys of the request (aws:SourceIp, aws:CurrentTime, …). */
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** The answer: a status, a JSON or encrypted body (or none). Errors are thrown as TesseraError. */
export interface MinioAdminResponse {
  status: number;
  body?: string | Buffer;
  /** `application/json` for JSON, `application/octet-stream` for encrypted bodies. */
  contentType?: string;
  /** What a mutating call changed, for its audit entry (never a secret). */
  change?: ChangeFact;
}

export interface MinioAdminApi {
  /** The operation name (`AddUser`, …) of a call this API serves, or undefined (not implemented). */
  operation(call: string, method?: string): string | undefined;
  serve(req: MinioAdminRequest): Promise<MinioAdminResponse>;
}
