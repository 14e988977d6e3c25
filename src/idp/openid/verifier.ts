import { compactVerify, decodeProtectedHeader, errors, type JWTHeaderParameters } from 'jose';
import { TesseraError } from '../../core/index.js';
import type { VerifiedIdentity, WebIdentityVerifier } from '../types.js';
import {
  type ClaimsSet,
  checkAudience,
  checkTimes,
  displayName,
  groupsOf,
  policiesOf,
  stringClaims,
  subjectOf,
} from './claims.js';
import type { OpenIdProviderConfig } from './config.js';
import { type Discovery, DiscoveryCache, type FetchFn, likelyIssuer } from './discovery.js';
import { JwksCache } from './jwks.js';

/** Largest token accepted (16 KiB), checked before anything is parsed. */
export const MAX_ID_TOKEN_BYTES = 16 * 1024;

export interface OpenIdVerifierOptions {
  /** How providers are reached (global fetch by default). */
  fetch?: FetchFn;
  /** Timeout of one discovery or JWKS fetch (5 s). */
  timeoutMs?: number;
  /** Least time between two JWKS refetches caused by unknown kids, per provider (30 s). */
  jwksCooldownMs?: number;
  /** Age after which a JWKS is fetched again (10 min). */
  jwksMaxAgeMs?: number;
  /** Age after which a discovery document is fetched again (1 h). */
  discoveryMaxAgeMs?: number;
  /** After a provider could not be reached (and nothing is cached), calls fail at once for this long (5 s). */
  failureBackoffMs?: number;
  /** The caches' clock (Date.now); token times use `verify`'s `now`. */
  clock?: () => number;
}

/** A WebIdentityVerifier for OpenID Connect providers, plus a way to reach them all ahead of use. */
export interface OpenIdVerifier extends WebIdentityVerifier {
  /** Fetches every provider's discovery document; returns the problems, for a startup log line. */
  warmUp(): Promise<string[]>;
}

interface Entry {
  readonly config: OpenIdProviderConfig;
  readonly discovery: DiscoveryCache;
  jwks: JwksCache | undefined;
}

function invalid(message: string): TesseraError {
  return new TesseraError('InvalidIdentityToken', message.slice(0, 600));
}

/** Issuers compare with and without a trailing slash. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The header and (unverified) claims of a compact JWS, or InvalidIdentityToken. */
function decode(token: unknown): { header: JWTHeaderParameters; claims: ClaimsSet } {
  if (typeof token !== 'string' || token === '') throw invalid('the token is empty.');
  if (Buffer.byteLength(token) > MAX_ID_TOKEN_BYTES)
    throw invalid(`the token is larger than ${MAX_ID_TOKEN_BYTES / 1024} KiB.`);
  const parts = token.split('.');
  if (parts.length === 5) throw invalid('encrypted tokens (JWE) are not accepted: send a signed ID token.');
  if (parts.length !== 3) throw invalid('the token is not a JWT (three dot-separated parts).');
  let header: JWTHeaderParameters;
  let claims: unknown;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw invalid('the token is not a JWT (its header or payload is not base64url JSON).');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw invalid('the token is not a JWT (its payload is not a JSON object).');
  return { header, claims: claims as ClaimsSet };
}

/**
 * Verifies OpenID Connect ID tokens (and JWT access tokens) of any number of providers with
 * `jose`. The token's `iss` selects the provider (and, when several share an issuer, its aud/azp
 * the client id); its signature is checked against the provider's JWKS (cached, refetched on an
 * unknown kid, rate-limited), with the provider's algorithm allow-list; then iss, aud/azp, exp /
 * nbf / iat with the provider's leeway, and sub. Errors say which check failed.
 * @example const v = createOpenIdVerifier(parseOpenIdConfig(process.env)); await v.verify(token, { now: Date.now() });
 */
export function createOpenIdVerifier(
  providers: readonly OpenIdProviderConfig[],
  o: OpenIdVerifierOptions = {},
): OpenIdVerifier {
  const fetchFn: FetchFn = o.fetch ?? ((url, init) => fetch(url, init));
  const clock = o.clock ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 5000;
  const entries: Entry[] = providers.map((config) => ({
    config,
    discovery: new DiscoveryCache(config.name, config.configUrl, fetchFn, {
      timeoutMs,
      maxAgeMs: o.discoveryMaxAgeMs ?? 3_600_000,
      failureBackoffMs: o.failureBackoffMs ?? 5000,
      clock,
    }),
    jwks: undefined,
  }));

  function jwksOf(e: Entry, d: Discovery): JwksCache {
    if (e.jwks === undefined || e.jwks.uri !== d.jwksUri) {
      e.jwks = new JwksCache(d.jwksUri, e.config.name, fetchFn, {
        timeoutMs,
        maxAgeMs: o.jwksMaxAgeMs ?? 600_000,
        cooldownMs: o.jwksCooldownMs ?? 30_000,
        failureBackoffMs: o.failureBackoffMs ?? 5000,
        clock,
      });
    }
    return e.jwks;
  }

  /** The providers whose issuer is `iss`: likely ones (by config_url) first, the rest only if needed. */
  async function byIssuer(iss: string): Promise<{ entry: Entry; discovery: Discovery }[]> {
    const likely = entries.filter((e) => sameIssuer(likelyIssuer(e.config.configUrl), iss));
    const order = [...likely, ...entries.filter((e) => !likely.includes(e))];
    const found: { entry: Entry; discovery: Discovery }[] = [];
    const unreachable: TesseraError[] = [];
    for (const entry of order) {
      if (found.length > 0 && !likely.includes(entry)) break;
      try {
        const discovery = await entry.discovery.get();
        if (sameIssuer(discovery.issuer, iss)) found.push({ entry, discovery });
      } catch (e) {
        if (e instanceof TesseraError) unreachable.push(e);
        else throw e;
      }
    }
    if (found.length === 0 && unreachable.length > 0) throw unreachable[0]!;
    return found;
  }

  async function verifySignature(
    token: string,
    header: JWTHeaderParameters,
    p: OpenIdProviderConfig,
    jwks: JwksCache,
  ): Promise<Uint8Array> {
    const keys = await jwks.candidates(header);
    let last: unknown;
    for (const key of keys) {
      try {
        const { payload } = await compactVerify(token, key, { algorithms: [...p.algorithms] });
        return payload;
      } catch (e) {
        last = e;
      }
    }
    if (last instanceof errors.JWSSignatureVerificationFailed)
      throw invalid(`bad signature: the token was not signed by a key of ${p.name}'s JWKS.`);
    if (last instanceof errors.JOSEAlgNotAllowed) throw invalid(`alg ${header.alg} is not allowed.`);
    const why = last instanceof Error ? last.message : 'it could not be verified';
    throw invalid(`bad signature: ${why}`);
  }

  async function verify(
    token: string,
    opts: { now: number; roleArn?: string; intoRole?: boolean },
  ): Promise<VerifiedIdentity> {
    const { header, claims } = decode(token);
    const alg = typeof header.alg === 'string' ? header.alg : '';
    if (alg === '' || alg.toLowerCase() === 'none' || /^HS/i.test(alg))
      throw invalid(
        `alg ${alg.slice(0, 20) || '(missing)'} is not allowed: tokens must be signed with the provider's public keys.`,
      );
    const iss = claims['iss'];
    if (typeof iss !== 'string' || iss === '') throw invalid('the token has no iss claim.');
    const candidates = await byIssuer(iss);
    if (candidates.length === 0)
      throw invalid(`wrong issuer: ${iss.slice(0, 200)} is not the issuer of a configured OpenID provider.`);
    // Several providers may share an issuer (one per client id): the audience picks one.
    const chosen =
      candidates.find(({ entry }) => {
        try {
          checkAudience(claims, entry.config.clientId);
          return true;
        } catch {
          return false;
        }
      }) ?? candidates[0]!;
    const p = chosen.entry.config;
    if (!p.algorithms.includes(alg))
      throw invalid(`alg ${alg.slice(0, 20)} is not allowed (allowed: ${p.algorithms.join(',')}).`);
    const payload = await verifySignature(token, header, p, jwksOf(chosen.entry, chosen.discovery));
    let verified: ClaimsSet;
    try {
      verified = JSON.parse(Buffer.from(payload).toString('utf8')) as ClaimsSet;
    } catch {
      throw invalid('the token is not a JWT (its payload is not JSON).');
    }
    if (typeof verified !== 'object' || verified === null || Array.isArray(verified))
      throw invalid('the token is not a JWT (its payload is not a JSON object).');
    if (verified['iss'] !== iss) throw invalid('wrong issuer.');
    checkAudience(verified, p.clientId);
    checkTimes(verified, opts.now, p.leewaySeconds);
    const subject = subjectOf(verified);
    // Into an IAM role, the role's policies apply: the claims need map to none.
    const policies = opts.intoRole === true ? [] : policiesOf(p, verified, opts.roleArn);
    const exp = verified['exp'] as number;
    return Object.freeze({
      provider: p.name,
      issuer: iss,
      subject,
      audience: p.clientId,
      name: displayName(verified, subject),
      policies: Object.freeze(policies),
      groups: Object.freeze(groupsOf(p, verified)),
      claims: Object.freeze(stringClaims(verified)),
      expiresAt: exp * 1000,
    });
  }

  return {
    verify: async (token, opts) => {
      try {
        return await verify(token, opts);
      } catch (e) {
        if (e instanceof TesseraError) throw e;
        // Anything jose (or a key import) throws about a token is the token's fault.
        throw invalid(`the token could not be verified: ${e instanceof Error ? e.message : 'malformed'}`);
      }
    },
    warmUp: async () => {
      const problems: string[] = [];
      for (const e of entries) {
        try {
          await e.discovery.get();
        } catch (err) {
          problems.push(err instanceof Error ? err.message : String(err));
        }
      }
      return problems;
    },
  };
}
