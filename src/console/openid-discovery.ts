import { TesseraError } from '../core/index.js';
import type { OpenIdProviderConfig } from '../idp/index.js';

/** The endpoints the console's login needs from a provider's discovery document. */
export interface LoginEndpoints {
  readonly authorization: string;
  readonly token: string;
  /** token_endpoint_auth_methods_supported (default client_secret_basic, OpenID Connect Discovery §3). */
  readonly authMethods: readonly string[];
}

const WELL_KNOWN = '/.well-known/openid-configuration';
/** Kept five minutes: a provider's endpoints rarely move. */
const MAX_AGE_MS = 300_000;
const cache = new Map<string, { at: number; endpoints: LoginEndpoints }>();

function httpsOrLoopback(v: unknown): v is string {
  return typeof v === 'string' && /^https?:\/\//i.test(v);
}

/** The provider's authorization and token endpoints, from its discovery document (IDPCommunicationError when unreachable). */
export async function providerEndpoints(p: OpenIdProviderConfig): Promise<LoginEndpoints> {
  const url = p.configUrl.endsWith(WELL_KNOWN)
    ? p.configUrl
    : `${p.configUrl.replace(/\/$/, '')}${WELL_KNOWN}`;
  const hit = cache.get(url);
  if (hit !== undefined && Date.now() - hit.at < MAX_AGE_MS) return hit.endpoints;
  let doc: Record<string, unknown>;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as Record<string, unknown>;
  } catch (e) {
    throw new TesseraError(
      'IDPCommunicationError',
      `The OpenID provider ${p.name} could not be reached: ${e instanceof Error ? e.message : String(e)}.`.slice(
        0,
        600,
      ),
    );
  }
  if (!httpsOrLoopback(doc.authorization_endpoint) || !httpsOrLoopback(doc.token_endpoint))
    throw new TesseraError(
      'IDPCommunicationError',
      `The OpenID provider ${p.name} publishes no authorization or token endpoint.`,
    );
  const methods = doc.token_endpoint_auth_methods_supported;
  const endpoints: LoginEndpoints = {
    authorization: doc.authorization_endpoint,
    token: doc.token_endpoint,
    authMethods: Array.isArray(methods)
      ? methods.filter((m): m is string => typeof m === 'string')
      : ['client_secret_basic'],
  };
  cache.set(url, { at: Date.now(), endpoints });
  return endpoints;
}
