import { hmacSha256 } from '../../core/index.js';

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * Four HMACs per derivation, so derived keys are cached (they change once a day per key/scope).
 */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmacSha256('AWS4' + secret, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

/** A bounded LRU cache of derived signing keys (every cache is bounded; docs/architecture.md). */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();
  /** The most recently used key, already at the end of the map. */
  private lastKey = '';
  /** The last call's secret, scope and key: a repeat skips building the map key. */
  private last: [string, string, string, string, Buffer] | undefined;

  constructor(readonly maxEntries = 1024) {}

  get size(): number {
    return this.entries.size;
  }

  /** The signing key for a secret and scope, derived on a miss. The secret is part of the cache key, so rotation never serves a stale key. */
  get(secret: string, date: string, region: string, service: string): Buffer {
    // The same secret and scope as the call before (one client, request after request).
    const l = this.last;
    if (l !== undefined && l[0] === secret && l[1] === date && l[2] === region && l[3] === service)
      return l[4];
    const key = date + '/' + region + '/' + service + '\n' + secret;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Refresh recency: Map iterates in insertion order, the first entry is the least recent.
      if (key !== this.lastKey) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        this.lastKey = key;
      }
      this.last = [secret, date, region, service, hit];
      return hit;
    }
    this.lastKey = key;
    const derived = deriveSigningKey(secret, date, region, service);
    this.last = [secret, date, region, service, derived];
    this.entries.set(key, derived);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return derived;
  }

  clear(): void {
    this.entries.clear();
    this.lastKey = '';
    this.last = undefined;
  }
}

/** The cache the verifiers use when VerifyOptions name none (one per process). */
export const signingKeys = new SigningKeyCache();

/** Lower-case hex HMAC-SHA256 signature. */
export function signHex(signingKey: Uint8Array, stringToSign: string): string {
  return hmacSha256(signingKey, stringToSign).toString('hex');
}
