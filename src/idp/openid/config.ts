import { createHash } from 'node:crypto';
import { type Found, onOff, suffixedSets } from '../suffixed-settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One OpenID Connect provider's settings (docs/openid.md). */
export interface OpenIdProviderConfig {
  /** `default`, or the lower-cased `_<NAME>` suffix of its variables. */
  readonly name: string;
  /** The discovery document's URL (`…/.well-known/openid-configuration`). */
  readonly configUrl: string;
  /** The audience tokens must carry (`aud` contains it, or `azp` is it). */
  readonly clientId: string;
  readonly clientSecret?: string;
  /** The claim that names policies (string, comma list or array). */
  readonly claimName: string;
  /** Prepended to each policy name the claim gives ('' for none). */
  readonly claimPrefix: string;
  /** Policies of a role-policy provider (MinIO's role_policy); empty for a claim-based one. */
  readonly rolePolicy: readonly string[];
  /** The RoleArn that selects `rolePolicy` (`arn:minio:iam:::role/<id>`), when it is set. */
  readonly roleArn?: string;
  readonly scopes: readonly string[];
  readonly claimUserinfo: boolean;
  readonly redirectUri?: string;
  readonly displayName?: string;
  /** The claim whose values are Tessera group names. */
  readonly groupsClaim: string;
  /** Clock tolerance for exp / nbf / iat, in seconds. */
  readonly leewaySeconds: number;
  /** Accepted JWS algorithms (never `none`, never HS*). */
  readonly algorithms: readonly string[];
}

/** The asymmetric JWS algorithms Tessera accepts by default (and at most). */
export const DEFAULT_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

export const DEFAULT_LEEWAY_SECONDS = 60;
const MAX_LEEWAY_SECONDS = 3600;

const PREFIXES = ['TESSERA_IDENTITY_OPENID_', 'MINIO_IDENTITY_OPENID_'] as const;

/** Settings Tessera reads, by their variable stem. */
const SETTINGS = [
  'CONFIG_URL',
  'CLIENT_ID',
  'CLIENT_SECRET',
  'CLAIM_NAME',
  'CLAIM_PREFIX',
  'ROLE_POLICY',
  'SCOPES',
  'CLAIM_USERINFO',
  'REDIRECT_URI',
  'DISPLAY_NAME',
  'GROUPS_CLAIM',
  'LEEWAY',
  'ALGORITHMS',
  'ENABLE',
] as const;
type Setting = (typeof SETTINGS)[number];

/** MinIO settings accepted and ignored (vendor extensions, the console's redirect mode, comments). */
const IGNORED = [
  'REDIRECT_URI_DYNAMIC',
  'VENDOR',
  'KEYCLOAK_REALM',
  'KEYCLOAK_ADMIN_URL',
  'COMMENT',
  'JWKS_URL',
];

/** Stems longest first, so REDIRECT_URI_DYNAMIC is not REDIRECT_URI with a suffix DYNAMIC. */
const STEMS = [...SETTINGS, ...IGNORED].sort((a, b) => b.length - a.length);

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** MinIO's RoleArn of a role-policy provider: the id is base64url(sha1(client id)), stable across restarts. */
export function roleArnFor(clientId: string): string {
  return `arn:minio:iam:::role/${createHash('sha1').update(clientId).digest('base64url')}`;
}

function httpUrl(f: Found): string {
  let url: URL;
  try {
    url = new URL(f.value.trim());
  } catch {
    throw new Error(`${f.variable} must be an http(s) URL (got "${f.value}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${f.variable} must be an http(s) URL (got "${f.value}")`);
  return url.href;
}

function leeway(f: Found | undefined): number {
  if (f === undefined) return DEFAULT_LEEWAY_SECONDS;
  const v = f.value.trim().replace(/s$/, '');
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > MAX_LEEWAY_SECONDS)
    throw new Error(`${f.variable} must be a whole number of seconds from 0 to ${MAX_LEEWAY_SECONDS}`);
  return n;
}

function algorithms(f: Found | undefined): readonly string[] {
  if (f === undefined) return DEFAULT_ALGORITHMS;
  const algs = list(f.value);
  if (algs.length === 0) throw new Error(`${f.variable} must list at least one algorithm`);
  for (const alg of algs) {
    if (!DEFAULT_ALGORITHMS.includes(alg))
      throw new Error(
        `${f.variable}: algorithm ${alg} is not accepted (never none or HS*; choose from ${DEFAULT_ALGORITHMS.join(',')})`,
      );
  }
  return Object.freeze([...new Set(algs)]);
}

function provider(name: string, get: (s: Setting) => Found | undefined): OpenIdProviderConfig | undefined {
  if (onOff(get('ENABLE')) === false) return undefined;
  const configUrl = get('CONFIG_URL');
  const clientId = get('CLIENT_ID');
  if (configUrl === undefined) {
    const other = SETTINGS.filter((s) => s !== 'ENABLE')
      .map(get)
      .find((f) => f !== undefined);
    if (other === undefined) return undefined;
    throw new Error(`${other.variable} is set, but not the CONFIG_URL of that provider`);
  }
  if (clientId === undefined)
    throw new Error(`${configUrl.variable} is set, but not the CLIENT_ID of that provider`);
  const claimName = get('CLAIM_NAME');
  const rolePolicy = list(get('ROLE_POLICY')?.value);
  if (claimName !== undefined && rolePolicy.length > 0)
    throw new Error(`${claimName.variable} and the ROLE_POLICY of the same provider cannot both be set`);
  const value = (s: Setting) => get(s)?.value.trim();
  const clientSecret = value('CLIENT_SECRET');
  const redirectUri = value('REDIRECT_URI');
  const displayName = value('DISPLAY_NAME');
  const groups = get('GROUPS_CLAIM');
  return Object.freeze({
    name,
    configUrl: httpUrl(configUrl),
    clientId: clientId.value.trim(),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    claimName: claimName?.value.trim() ?? 'policy',
    claimPrefix: value('CLAIM_PREFIX') ?? '',
    rolePolicy: Object.freeze(rolePolicy),
    ...(rolePolicy.length > 0 ? { roleArn: roleArnFor(clientId.value.trim()) } : {}),
    scopes: Object.freeze(list(value('SCOPES'))),
    claimUserinfo: onOff(get('CLAIM_USERINFO')) ?? false,
    ...(redirectUri === undefined ? {} : { redirectUri }),
    ...(displayName === undefined ? {} : { displayName }),
    groupsClaim: groups?.value.trim() ?? 'groups',
    leewaySeconds: leeway(get('LEEWAY')),
    algorithms: algorithms(get('ALGORITHMS')),
  });
}

/**
 * The OpenID Connect providers the environment configures: MinIO's MINIO_IDENTITY_OPENID_*
 * variables and their TESSERA_IDENTITY_OPENID_* equivalents (Tessera's wins when both are set),
 * each optionally with a `_<NAME>` suffix for another provider. Pure; throws an Error naming the
 * variable of an invalid setting.
 * @example parseOpenIdConfig({ MINIO_IDENTITY_OPENID_CONFIG_URL: 'https://idp/.well-known/openid-configuration', MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera' })
 */
export function parseOpenIdConfig(env: Env): OpenIdProviderConfig[] {
  const family = {
    prefixes: PREFIXES,
    stems: STEMS,
    entity: 'provider',
    unknown: (v: string) => `${v} is not an OpenID Connect setting (docs/openid.md lists them)`,
  };
  const providers: OpenIdProviderConfig[] = [];
  for (const { name, get } of suffixedSets(env, family)) {
    const p = provider(name, get);
    if (p !== undefined) providers.push(p);
  }
  const seen = new Map<string, string>();
  for (const p of providers) {
    const key = `${p.configUrl}\u0000${p.clientId}`;
    const other = seen.get(key);
    if (other !== undefined)
      throw new Error(`OpenID providers ${other} and ${p.name} have the same CONFIG_URL and CLIENT_ID`);
    seen.set(key, p.name);
  }
  const arns = new Map<string, string>();
  for (const p of providers) {
    if (p.roleArn === undefined) continue;
    const other = arns.get(p.roleArn);
    if (other !== undefined)
      throw new Error(
        `OpenID providers ${other} and ${p.name} have the same CLIENT_ID and both a ROLE_POLICY`,
      );
    arns.set(p.roleArn, p.name);
  }
  return providers;
}
