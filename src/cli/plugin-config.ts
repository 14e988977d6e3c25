import {
  DEFAULT_POLICY_PLUGIN_CACHE_ENTRIES,
  DEFAULT_POLICY_PLUGIN_CACHE_TTL_MS,
  DEFAULT_POLICY_PLUGIN_TIMEOUT_MS,
  PolicyPlugin,
  type PolicyPluginConfig,
} from '../iam/index.js';
import {
  DEFAULT_IDENTITY_PLUGIN_TIMEOUT_MS,
  IdentityPlugin,
  type IdentityPluginConfig,
} from '../idp/index.js';
import { envValue, parseDuration } from './config.js';

type Env = Record<string, string | undefined>;

/** The two plugins of docs/plugins.md, as the environment configures them (undefined: off). */
export interface PluginSettings {
  readonly identity?: IdentityPluginConfig;
  readonly policy?: PolicyPluginConfig;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`${name} must be an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name} must be an http(s) URL (got "${value}")`);
  if (url.username !== '' || url.password !== '')
    throw new Error(`${name} must not carry credentials: use the _AUTH_TOKEN setting`);
  return url.href;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'on' || v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'off' || v === 'false' || v === '0' || v === 'no') return false;
  throw new Error(`${name} must be on or off (got "${value}")`);
}

function positiveMs(name: string, value: string | undefined, fallback: number, zeroOk: boolean): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(name, value);
  if (ms === 0 && !zeroOk) throw new Error(`${name} must be longer than 0`);
  return ms;
}

/** TESSERA_IDENTITY_PLUGIN_* (MinIO's MINIO_IDENTITY_PLUGIN_*). */
function identitySettings(env: Env): IdentityPluginConfig | undefined {
  const v = (stem: string) =>
    envValue(env, `TESSERA_IDENTITY_PLUGIN_${stem}`, `MINIO_IDENTITY_PLUGIN_${stem}`);
  const raw = v('URL');
  if (raw === undefined || !onOff('TESSERA_IDENTITY_PLUGIN_ENABLE', v('ENABLE'), true)) return undefined;
  const url = httpUrl('TESSERA_IDENTITY_PLUGIN_URL', raw);
  const rolePolicy = (v('ROLE_POLICY') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (rolePolicy.length === 0)
    throw new Error(
      'TESSERA_IDENTITY_PLUGIN_ROLE_POLICY must name at least one policy when the identity plugin is on',
    );
  const roleId = v('ROLE_ID');
  if (roleId !== undefined && !/^[A-Za-z0-9_-]+$/.test(roleId))
    throw new Error('TESSERA_IDENTITY_PLUGIN_ROLE_ID must match ^[A-Za-z0-9_-]+$');
  // MinIO's code reads AUTH_TOKEN; its web documentation says TOKEN: both are accepted.
  const authToken = v('AUTH_TOKEN') ?? envValue(env, 'MINIO_IDENTITY_PLUGIN_TOKEN');
  return {
    url,
    rolePolicy,
    timeoutMs: positiveMs(
      'TESSERA_IDENTITY_PLUGIN_TIMEOUT',
      envValue(env, 'TESSERA_IDENTITY_PLUGIN_TIMEOUT'),
      DEFAULT_IDENTITY_PLUGIN_TIMEOUT_MS,
      false,
    ),
    ...(authToken === undefined ? {} : { authToken }),
    ...(roleId === undefined ? {} : { roleId }),
  };
}

/** TESSERA_POLICY_PLUGIN_* (MinIO's MINIO_POLICY_PLUGIN_*, and the legacy MINIO_POLICY_OPA_*). */
function policySettings(env: Env): PolicyPluginConfig | undefined {
  const raw = envValue(env, 'TESSERA_POLICY_PLUGIN_URL', 'MINIO_POLICY_PLUGIN_URL', 'MINIO_POLICY_OPA_URL');
  if (raw === undefined) return undefined;
  const url = httpUrl('TESSERA_POLICY_PLUGIN_URL', raw);
  const authToken = envValue(
    env,
    'TESSERA_POLICY_PLUGIN_AUTH_TOKEN',
    'MINIO_POLICY_PLUGIN_AUTH_TOKEN',
    'MINIO_POLICY_OPA_AUTH_TOKEN',
  );
  const entriesRaw = envValue(env, 'TESSERA_POLICY_PLUGIN_CACHE_SIZE');
  const cacheEntries = entriesRaw === undefined ? DEFAULT_POLICY_PLUGIN_CACHE_ENTRIES : Number(entriesRaw);
  if (!Number.isInteger(cacheEntries) || cacheEntries < 1 || cacheEntries > 1_000_000)
    throw new Error(
      `TESSERA_POLICY_PLUGIN_CACHE_SIZE must be a whole number from 1 to 1000000 (got "${entriesRaw}")`,
    );
  return {
    url,
    timeoutMs: positiveMs(
      'TESSERA_POLICY_PLUGIN_TIMEOUT',
      envValue(env, 'TESSERA_POLICY_PLUGIN_TIMEOUT'),
      DEFAULT_POLICY_PLUGIN_TIMEOUT_MS,
      false,
    ),
    cacheTtlMs: positiveMs(
      'TESSERA_POLICY_PLUGIN_CACHE_TTL',
      envValue(env, 'TESSERA_POLICY_PLUGIN_CACHE_TTL'),
      DEFAULT_POLICY_PLUGIN_CACHE_TTL_MS,
      true,
    ),
    cacheEntries,
    builtinFirst: onOff(
      'TESSERA_POLICY_PLUGIN_BUILTIN_FIRST',
      envValue(env, 'TESSERA_POLICY_PLUGIN_BUILTIN_FIRST'),
      false,
    ),
    ...(authToken === undefined ? {} : { authToken }),
  };
}

/** Both plugins' settings (docs/configuration.md "Plugins"); throws naming a bad variable. */
export function pluginSettings(env: Env): PluginSettings {
  const identity = identitySettings(env);
  const policy = policySettings(env);
  return { ...(identity === undefined ? {} : { identity }), ...(policy === undefined ? {} : { policy }) };
}

/** The plugins' clients. Nothing is sent before the first request that needs one. */
export function pluginClients(s: PluginSettings): { identity?: IdentityPlugin; policy?: PolicyPlugin } {
  return {
    ...(s.identity === undefined ? {} : { identity: new IdentityPlugin(s.identity) }),
    ...(s.policy === undefined ? {} : { policy: new PolicyPlugin(s.policy) }),
  };
}

/** The plugins' auth tokens, for the log's redaction. */
export function pluginSecrets(s: PluginSettings): (string | undefined)[] {
  return [s.identity?.authToken, s.policy?.authToken];
}
