import type { CredentialScope } from '../sigv4/credential-scope.js';
import type { UnsignedAllowance } from '../sigv4/signed-headers-check.js';

/**
 * What a verified presigned URL proved, kept so that the same URL sent again skips the canonical
 * request and the HMAC chain. Everything else is checked again on every use: the validity window
 * (X-Amz-Date … + X-Amz-Expires, against the current time), the headers the request carries that
 * the URL does not sign, the credential (looked up again: a deleted, disabled or re-keyed
 * credential no longer matches `secretKey`), and the payload.
 */
export interface VerifiedUrl {
  readonly scope: CredentialScope;
  /** The accepted services the URL was verified against (the same array must ask again). */
  readonly services: readonly string[];
  readonly signedAt: number;
  readonly expiresAt: number;
  readonly signedHeaderNames: readonly string[];
  /** The canonical headers the signature covered: a request whose signed headers differ misses. */
  readonly canonicalHeaders: string;
  readonly allowance: UnsignedAllowance;
  /** The payload hash the URL signs (X-Amz-Content-Sha256, or UNSIGNED-PAYLOAD for s3). */
  readonly declaredHash: string;
  readonly sessionToken: string | undefined;
  /** The secret the signature was computed with. */
  readonly secretKey: string;
}

/** Entries kept at most; the oldest goes first. ~1 KiB each. */
export const DEFAULT_VERIFIED_URLS = 10_000;

/**
 * A bounded map from a presigned request's method, raw path and raw query (the signature is part
 * of the query) to what verifying it proved. A hit is only a shortcut past the signature
 * arithmetic: `verifyPresignedV4` re-checks the rest.
 */
export class VerifiedUrlCache {
  readonly #entries = new Map<string, VerifiedUrl>();
  readonly #max: number;

  constructor(max = DEFAULT_VERIFIED_URLS) {
    this.#max = max;
  }

  get(key: string): VerifiedUrl | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: VerifiedUrl): void {
    if (this.#entries.size >= this.#max && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** The process's cache (VerifyOptions.verifiedUrls overrides it; null turns it off). */
export const verifiedUrls = new VerifiedUrlCache();

/** The cache key of a presigned request: what the URL's signature covers besides headers and time. */
export function verifiedUrlKey(method: string, rawPath: string, rawQuery: string): string {
  return `${method} ${rawPath}?${rawQuery}`;
}
