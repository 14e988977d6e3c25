import { TesseraError } from '../../core/index.js';
import { Refresher } from './refresher.js';

/** The fetch Tessera reaches providers with (global fetch unless a test injects one). */
export type FetchFn = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<Response>;

/** What the verifier needs of a provider's discovery document. */
export interface Discovery {
  readonly issuer: string;
  readonly jwksUri: string;
}

/** Largest discovery document or JWKS read (1 MiB). */
const MAX_BODY = 1 << 20;

function communication(provider: string, what: string): TesseraError {
  return new TesseraError(
    'IDPCommunicationError',
    `The OpenID provider ${provider} could not be reached: ${what}.`.slice(0, 600),
  );
}

/** GETs `url` and parses its JSON body, bounded in time and size; failures are IDPCommunicationError. */
export async function fetchJson(
  fetchFn: FetchFn,
  url: string,
  provider: string,
  timeoutMs: number,
): Promise<unknown> {
  let res: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    res = await fetchFn(url, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    const why = signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : e instanceof Error
        ? e.message
        : 'failed';
    throw communication(provider, `GET ${url}: ${why}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw communication(provider, `GET ${url} answered HTTP ${res.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body?.getReader();
    while (reader !== undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY) {
        await reader.cancel().catch(() => {});
        throw communication(provider, `GET ${url}: the answer is larger than 1 MiB`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw communication(
      provider,
      `GET ${url}: ${signal.aborted ? `no answer within ${timeoutMs} ms` : 'the answer broke off'}`,
    );
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw communication(provider, `GET ${url}: the answer is not JSON`);
  }
}

/** The discovery URL of a config_url: itself, or `<issuer>/.well-known/openid-configuration` when it names an issuer. */
export function discoveryUrl(configUrl: string): string {
  if (configUrl.includes('/.well-known/')) return configUrl;
  return `${configUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** The issuer a config_url most likely belongs to (to try that provider first). */
export function likelyIssuer(configUrl: string): string {
  return configUrl.replace(/\/\.well-known\/openid-configuration$/, '').replace(/\/+$/, '');
}

function httpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * One provider's discovery document, fetched on first use and kept for `maxAgeMs`; after that it
 * is fetched again, and the old one kept while the provider cannot be reached. Concurrent callers
 * share one fetch.
 */
export class DiscoveryCache {
  readonly #doc: Refresher<Discovery>;

  constructor(
    private readonly provider: string,
    private readonly configUrl: string,
    private readonly fetchFn: FetchFn,
    private readonly opts: {
      timeoutMs: number;
      maxAgeMs: number;
      failureBackoffMs: number;
      clock: () => number;
    },
  ) {
    this.#doc = new Refresher(() => this.load(), opts);
  }

  /** The cached document, if any (whatever its age). */
  peek(): Discovery | undefined {
    return this.#doc.value;
  }

  async get(): Promise<Discovery> {
    const doc = this.#doc.value;
    if (doc !== undefined && this.opts.clock() - this.#doc.fetchedAt < this.opts.maxAgeMs) return doc;
    return this.#doc.refresh();
  }

  private async load(): Promise<Discovery> {
    const url = discoveryUrl(this.configUrl);
    const body = await fetchJson(this.fetchFn, url, this.provider, this.opts.timeoutMs);
    const { issuer, jwks_uri: jwksUri } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (typeof issuer !== 'string' || issuer === '')
      throw communication(this.provider, `${url} has no issuer`);
    if (!httpUrl(jwksUri)) throw communication(this.provider, `${url} has no http(s) jwks_uri`);
    return Object.freeze({ issuer, jwksUri });
  }
}
