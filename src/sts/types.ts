import type { ChangeFact } from '../audit/index.js';
import type { Principal } from '../core/index.js';

/** One STS Query API call, as the http layer hands it over (authenticated, parameters parsed). */
export interface StsApiRequest {
  readonly principal: Principal;
  readonly params: URLSearchParams;
  readonly requestId: string;
  /** The request's condition keys (aws:SourceIp, aws:CurrentTime, …). */
  readonly context: Readonly<Record<string, string | string[]>>;
  /** The TLS connection it came over (absent: plain HTTP): the client's certificates, leaf first, DER. */
  readonly tls?: { readonly peerCertificates: readonly Uint8Array[] };
}

export interface StsApiResponse {
  readonly status: number;
  readonly body: string;
  /**
   * Issued credentials, for the audit entry (docs/audit.md `change.issued`): session id,
   * temporary access key id, parent, role, expiration, session policy digest; never the secret
   * or the token.
   */
  readonly change?: ChangeFact;
}

/** The STS Query API: answers AWS's XML document, or throws TesseraError (rendered by http). */
export type StsApi = (req: StsApiRequest) => Promise<StsApiResponse>;

/** Limits of issued sessions (docs/sts.md). */
export interface StsLimits {
  /** Default DurationSeconds (1 h). */
  readonly defaultDurationSeconds: number;
  /** Longest session the server issues (12 h unless configured up to 365 days). */
  readonly maxDurationSeconds: number;
}

export const DEFAULT_STS_LIMITS: StsLimits = Object.freeze({
  defaultDurationSeconds: 3600,
  maxDurationSeconds: 12 * 3600,
});

/** Shortest session AWS and MinIO issue. */
export const MIN_DURATION_SECONDS = 900;
/** Longest a server may be configured to issue (MinIO's limit). */
export const MAX_CONFIGURABLE_DURATION_SECONDS = 365 * 24 * 3600;
