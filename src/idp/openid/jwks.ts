import { createLocalJWKSet, errors, type JWTHeaderParameters } from 'jose';
import { TesseraError } from '../../core/index.js';
import { type FetchFn, fetchJson } from './discovery.js';
import { Refresher } from './refresher.js';

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
/** The key jose verifies with (what createLocalJWKSet resolves). */
export type VerifyKey = Awaited<ReturnType<KeyGetter>>;

export interface JwksOptions {
  readonly timeoutMs: number;
  /** Keys older than this are fetched again (and kept while the provider cannot be reached). */
  readonly maxAgeMs: number;
  /** Least time between two refetches caused by an unknown kid. */
  readonly cooldownMs: number;
  /** After a failed fetch (and no keys cached), calls fail at once for this long. */
  readonly failureBackoffMs: number;
  readonly clock: () => number;
}

function invalidToken(message: string): TesseraError {
  return new TesseraError('InvalidIdentityToken', message.slice(0, 600));
}

/**
 * A provider's JSON Web Key Set, fetched on first use. A token whose kid is not in it causes a
 * refetch (key rotation), at most once per `cooldownMs`, so tokens with made-up kids cannot make
 * Tessera hammer the provider.
 */
export class JwksCache {
  readonly #keys: Refresher<KeyGetter>;
  private lastRefetch = Number.NEGATIVE_INFINITY;
  /** How many times the set was fetched (tests count refetches). */
  fetches = 0;

  constructor(
    readonly uri: string,
    private readonly provider: string,
    private readonly fetchFn: FetchFn,
    private readonly opts: JwksOptions,
  ) {
    this.#keys = new Refresher(() => this.load(), opts);
  }

  /**
   * The keys that may have signed a token with this header: one, or several when the header
   * names no kid and more than one key fits. Throws InvalidIdentityToken for an unknown kid,
   * IDPCommunicationError when the set cannot be fetched.
   */
  async candidates(header: JWTHeaderParameters): Promise<VerifyKey[]> {
    const now = this.opts.clock();
    let keys: KeyGetter;
    const cached = this.#keys.value;
    if (cached === undefined || now - this.#keys.fetchedAt >= this.opts.maxAgeMs)
      keys = await this.#keys.refresh();
    else keys = cached;
    try {
      return await select(keys, header);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey)) throw e;
    }
    // Not there: perhaps the provider rotated its keys.
    if (now - this.lastRefetch >= this.opts.cooldownMs && now - this.#keys.fetchedAt > 0) {
      this.lastRefetch = now;
      keys = await this.#keys.refresh();
      try {
        return await select(keys, header);
      } catch (e) {
        if (!(e instanceof errors.JWKSNoMatchingKey)) throw e;
      }
    }
    const kid = typeof header.kid === 'string' ? `kid ${header.kid.slice(0, 100)}` : 'no kid';
    throw invalidToken(
      `unknown kid: no key of ${this.provider}'s JWKS matches the token (${kid}, alg ${String(header.alg).slice(0, 20)}).`,
    );
  }

  private async load(): Promise<KeyGetter> {
    const body = await fetchJson(this.fetchFn, this.uri, this.provider, this.opts.timeoutMs);
    this.fetches++;
    let keys: KeyGetter;
    try {
      keys = createLocalJWKSet(body as Parameters<typeof createLocalJWKSet>[0]);
    } catch {
      throw new TesseraError(
        'IDPCommunicationError',
        `The OpenID provider ${this.provider} answered a malformed JWKS at ${this.uri.slice(0, 300)}.`,
      );
    }
    return keys;
  }
}

/** The matching keys; several when the header has no kid and the set holds more than one fitting key. */
async function select(keys: KeyGetter, header: JWTHeaderParameters): Promise<VerifyKey[]> {
  try {
    return [await keys(header)];
  } catch (e) {
    if (e instanceof errors.JWKSMultipleMatchingKeys) {
      const all: VerifyKey[] = [];
      for await (const k of e as unknown as AsyncIterable<VerifyKey>) all.push(k);
      if (all.length > 0) return all;
      throw new errors.JWKSNoMatchingKey();
    }
    if (e instanceof errors.JOSENotSupported || e instanceof errors.JWKSInvalid)
      throw invalidToken(
        `the token's alg ${String(header.alg).slice(0, 20)} fits no key of the provider's JWKS.`,
      );
    throw e;
  }
}
