import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type ConnectionTimeouts, DEFAULT_TIMEOUTS } from '../http/index.js';
import { DEFAULT_MEMO_ENTRIES, type MinFreeSpace } from '../storage/index.js';
import { DEFAULT_LDAP_SYNC_INTERVAL_MS } from '../sts/index.js';
import { type AuditSettings, auditSettings, parseSize } from './audit-config.js';
import { ldapSettings } from './ldap-config.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { openIdSettings } from './openid-config.js';
import { type PluginSettings, pluginSettings } from './plugin-config.js';
import { parseMinFreeSpace } from './space-config.js';
import { type StsSettings, stsSettings } from './sts-config.js';
import { type TlsSettings, tlsSettings } from './tls-config.js';

/** TESSERA_READ_CACHE_SIZE's default (docs/operations.md "Read cache"): 64 MiB per worker. */
const DEFAULT_READ_CACHE_SIZE = 64 * 1024 ** 2;

/** TESSERA_READ_CACHE_SIZE: a size (`64MiB`, `100MB`, bytes) of at least 1 KiB, or `0` (no cache). */
function readCacheSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_READ_CACHE_SIZE;
  if (/^0+(\.0*)?\s*([kmg]i?b|b)?$/i.test(value.trim())) return 0;
  return parseSize('TESSERA_READ_CACHE_SIZE', value);
}

/** TESSERA_METADATA_CACHE_ENTRIES: object reads each worker remembers (0: none). */
function metadataCacheEntries(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MEMO_ENTRIES;
  if (!/^\d+$/.test(value.trim()))
    throw new Error('TESSERA_METADATA_CACHE_ENTRIES must be a whole number (0 = off)');
  return Number(value.trim());
}

function minFree(value: string | undefined): { minFreeSpace?: MinFreeSpace } {
  const parsed = parseMinFreeSpace(value);
  return parsed === undefined ? {} : { minFreeSpace: parsed };
}

/** Server settings from flags and environment (docs/configuration.md lists every one). */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  region: string;
  domains: string[];
  workers: number;
  logRequests: boolean;
  /** TESSERA_LOG_LEVEL: `debug` adds one line per client that disconnects, stalls or sends garbage. */
  logLevel: LogLevel;
  /** Header, idle (keep-alive) and stall (no progress) timeouts, in milliseconds; 0 turns one off. */
  timeouts: ConnectionTimeouts;
  /** The default account's id in ARNs ('' gives MinIO-style ARNs: arn:aws:iam:::user/alice). */
  accountId: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed for aws:SourceIp. */
  trustedProxies: string[];
  /** Temporary credentials: durations and session-token key ids (sts-config.ts). */
  sts: StsSettings;
  /** TESSERA_MIN_FREE_SPACE: writes are refused below it (undefined: 1 %, at most 1 GiB). */
  minFreeSpace?: MinFreeSpace;
  /** TESSERA_READ_CACHE_SIZE: bytes of whole blobs each worker keeps in memory for reads (0: off). */
  readCacheSize: number;
  /** TESSERA_METADATA_CACHE_ENTRIES: object reads each worker remembers while the database is unchanged (0: off). */
  metadataCacheEntries: number;
  /** OpenID Connect providers (openid-config.ts, docs/openid.md); empty: none. */
  openid: ReturnType<typeof openIdSettings>;
  /** LDAP / Active Directory directories (ldap-config.ts, docs/ldap.md); empty: none. */
  ldap: ReturnType<typeof ldapSettings>;
  /** How often the LDAP directory sync runs (TESSERA_IDENTITY_LDAP_SYNC_INTERVAL; 0: never). */
  ldapSyncIntervalMs: number;
  /** TESSERA_LIFECYCLE_INTERVAL: time between lifecycle passes, in milliseconds; 0 turns them off. */
  lifecycleIntervalMs: number;
  /** TESSERA_LIFECYCLE_DAY: how long one day of a lifecycle rule is, in milliseconds (tests shorten it). */
  lifecycleDayMs: number;
  /** TESSERA_STALE_UPLOAD_EXPIRY: incomplete multipart uploads older than this are aborted (0: never). */
  staleUploadMs: number;
  /** TESSERA_AUDIT_FILE…, TESSERA_AUDIT_WEBHOOK_…, TESSERA_AUDIT_NATS_…: the audit targets (docs/audit.md). */
  audit: AuditSettings;
  /** TESSERA_PROMETHEUS_AUTH_TYPE: `jwt` (scrapes need admin:Prometheus) or `public` (docs/metrics.md). */
  prometheusAuthType: 'jwt' | 'public';
  /** TESSERA_DEFAULT_OBJECT_OWNERSHIP: Object Ownership of new buckets without x-amz-object-ownership (docs/acl.md). */
  defaultObjectOwnership: ObjectOwnershipSetting;
  /** TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK (tests, development only): SSE-C over plain HTTP from loopback (docs/encryption.md). */
  sseCustomerKeysOverLoopbackHttp: boolean;
  /** HTTPS (--certs-dir, TESSERA_TLS_*) and client certificates (TESSERA_IDENTITY_TLS_*): tls-config.ts, docs/tls.md. */
  tls: TlsSettings;
  /** TESSERA_IDENTITY_PLUGIN_…, TESSERA_POLICY_PLUGIN_…: MinIO's identity and access-management plugins (docs/plugins.md). */
  plugins: PluginSettings;
  /** TESSERA_METADATA_URL…: shared mode, metadata and IAM in PostgreSQL (docs/shared-mode.md); absent: embedded. */
  metadata?: MetadataSettings;
  /** The web console (docs/console.md): `--console-address`, TESSERA_CONSOLE_*; absent: off. */
  console?: ConsoleSettings;
}

/** The web console's settings (docs/console.md "Settings"). */
export interface ConsoleSettings {
  host: string;
  port: number;
  /** TESSERA_CONSOLE_SESSION_DURATION: how long a console session lasts, at most the STS maximum. */
  sessionSeconds: number;
  /** TESSERA_SERVER_URL: the public S3 address written into presigned links. */
  serverUrl?: string;
}

/** `--console-address` / TESSERA_CONSOLE_ADDRESS (`off` disables), TESSERA_BROWSER=off, the session length. */
function consoleSettings(
  flagValue: string | undefined,
  env: Env,
  maxSeconds: number,
): { console?: ConsoleSettings } {
  const address = flagValue ?? envValue(env, 'TESSERA_CONSOLE_ADDRESS') ?? ':9001';
  const browser = envValue(env, 'TESSERA_BROWSER', 'MINIO_BROWSER')?.toLowerCase();
  if (address.toLowerCase() === 'off' || browser === 'off') return {};
  const { host, port } = parseAddress(address);
  const raw = envValue(env, 'TESSERA_CONSOLE_SESSION_DURATION', 'MINIO_BROWSER_SESSION_DURATION');
  const ms = raw === undefined ? 12 * 3_600_000 : parseDuration('TESSERA_CONSOLE_SESSION_DURATION', raw);
  if (ms < 900_000) throw new Error('TESSERA_CONSOLE_SESSION_DURATION must be at least 15m');
  const serverUrl = envValue(env, 'TESSERA_SERVER_URL', 'MINIO_SERVER_URL');
  if (serverUrl !== undefined && !/^https?:\/\/[^/]+\/?$/i.test(serverUrl))
    throw new Error('TESSERA_SERVER_URL must be http(s)://host[:port]');
  const sessionSeconds = Math.min(Math.floor(ms / 1000), maxSeconds);
  return {
    console: {
      host,
      port,
      sessionSeconds,
      ...(serverUrl === undefined ? {} : { serverUrl: serverUrl.replace(/\/$/, '') }),
    },
  };
}

/** Shared mode's database settings (docs/shared-mode.md). */
export interface MetadataSettings {
  url: string;
  poolSize?: number;
  /** TESSERA_METADATA_TLS_CA: PEM file of the CA that signs the database's certificate. */
  tlsCaFile?: string;
  lockTimeoutMs?: number;
  /** TESSERA_LEASE_TTL: lifetime of the background-work leases (renewed every third of it). */
  leaseTtlMs?: number;
  /** TESSERA_BLOB_GC_INTERVAL: time between orphan collections on the `blob-gc` lease holder. */
  blobGcIntervalMs?: number;
  /** TESSERA_BLOB_GC_GRACE: how long unreferenced files are left alone (uploads in progress). */
  blobGcGraceMs?: number;
}

function metadataSettings(env: Env): { metadata?: MetadataSettings } {
  const url = envValue(env, 'TESSERA_METADATA_URL');
  const pool = envValue(env, 'TESSERA_METADATA_POOL_SIZE');
  const ca = envValue(env, 'TESSERA_METADATA_TLS_CA');
  const lock = envValue(env, 'TESSERA_METADATA_LOCK_TIMEOUT');
  const lease = envValue(env, 'TESSERA_LEASE_TTL');
  const gcInterval = envValue(env, 'TESSERA_BLOB_GC_INTERVAL');
  const gcGrace = envValue(env, 'TESSERA_BLOB_GC_GRACE');
  if (url === undefined && (lease ?? gcInterval ?? gcGrace) !== undefined)
    throw new Error('TESSERA_LEASE_TTL and TESSERA_BLOB_GC_* need TESSERA_METADATA_URL');
  if (url === undefined) {
    if (pool ?? ca ?? lock)
      throw new Error('TESSERA_METADATA_POOL_SIZE, _TLS_CA and _LOCK_TIMEOUT need TESSERA_METADATA_URL');
    return {};
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('TESSERA_METADATA_URL must be a postgres:// URL');
  const poolSize = pool === undefined ? undefined : Number(pool);
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000))
    throw new Error('TESSERA_METADATA_POOL_SIZE must be a whole number from 1 to 1000');
  const metadata: MetadataSettings = { url };
  if (poolSize !== undefined) metadata.poolSize = poolSize;
  if (ca !== undefined) metadata.tlsCaFile = resolve(ca);
  if (lock !== undefined) metadata.lockTimeoutMs = parseDuration('TESSERA_METADATA_LOCK_TIMEOUT', lock);
  if (lease !== undefined) {
    const ttl = parseDuration('TESSERA_LEASE_TTL', lease);
    if (ttl < 1000) throw new Error('TESSERA_LEASE_TTL must be at least 1s');
    metadata.leaseTtlMs = ttl;
  }
  if (gcInterval !== undefined) {
    metadata.blobGcIntervalMs = parseDuration('TESSERA_BLOB_GC_INTERVAL', gcInterval);
    if (metadata.blobGcIntervalMs < 1000) throw new Error('TESSERA_BLOB_GC_INTERVAL must be at least 1s');
  }
  if (gcGrace !== undefined) metadata.blobGcGraceMs = parseDuration('TESSERA_BLOB_GC_GRACE', gcGrace);
  return { metadata };
}

const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
type ObjectOwnershipSetting = (typeof OBJECT_OWNERSHIPS)[number];

function defaultObjectOwnership(env: Env): ObjectOwnershipSetting {
  const v = envValue(env, 'TESSERA_DEFAULT_OBJECT_OWNERSHIP') ?? 'BucketOwnerEnforced';
  const found = OBJECT_OWNERSHIPS.find((o) => o.toLowerCase() === v.toLowerCase());
  if (found === undefined)
    throw new Error(`TESSERA_DEFAULT_OBJECT_OWNERSHIP must be ${OBJECT_OWNERSHIPS.join(', ')} (got "${v}")`);
  return found;
}

type Env = Record<string, string | undefined>;

/** First set variable among a Tessera name and its MinIO aliases. */
export function envValue(env: Env, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Parses ":9000", "127.0.0.1:9000", "[::1]:9000" or "9000". */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(address.trim());
  if (!m) throw new Error(`invalid address "${address}": expected [host]:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid port in "${address}"`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

function flag(env: Env, name: string): boolean {
  const v = env[name]?.toLowerCase();
  return v === 'on' || v === 'true' || v === '1' || v === 'yes';
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longest timer node supports. */
const MAX_MS = 2 ** 31 - 1;

/**
 * Parses a duration in MinIO's (Go's) notation — "30s", "500ms", "1m30s", "2h" — or a plain number
 * of seconds; "0" turns the timeout off. Returns milliseconds.
 */
export function parseDuration(name: string, value: string): number {
  const v = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) {
    ms = 0;
    for (const [, n, , unit] of v.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  } else throw new Error(`${name} must be a duration such as 30s, 500ms or 2m (got "${value}")`);
  if (ms > MAX_MS) throw new Error(`${name} is too long (at most 24 days)`);
  return Math.round(ms);
}

export interface ServerFlags {
  dataDir?: string;
  address?: string;
  readHeaderTimeout?: string;
  idleTimeout?: string;
  stallTimeout?: string;
  logLevel?: string;
  certsDir?: string;
  consoleAddress?: string;
}

function timeout(flagValue: string | undefined, env: Env, names: string[], fallback: number): number {
  const raw = flagValue ?? envValue(env, ...names);
  return raw === undefined ? fallback : parseDuration(names[0]!, raw);
}

function logLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new Error(`TESSERA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return level as LogLevel;
}

/** The lifecycle scanner's period and day length (docs/lifecycle.md). */
function lifecycleSettings(
  env: Env,
): Pick<ServerConfig, 'lifecycleIntervalMs' | 'lifecycleDayMs' | 'staleUploadMs'> {
  const staleRaw = envValue(env, 'TESSERA_STALE_UPLOAD_EXPIRY', 'MINIO_API_STALE_UPLOADS_EXPIRY');
  const staleUploadMs =
    staleRaw === undefined ? 7 * 86_400_000 : parseDuration('TESSERA_STALE_UPLOAD_EXPIRY', staleRaw);
  const interval = envValue(env, 'TESSERA_LIFECYCLE_INTERVAL');
  const day = envValue(env, 'TESSERA_LIFECYCLE_DAY');
  const lifecycleDayMs = day === undefined ? 86_400_000 : parseDuration('TESSERA_LIFECYCLE_DAY', day);
  if (lifecycleDayMs <= 0) throw new Error('TESSERA_LIFECYCLE_DAY must be longer than 0');
  return {
    lifecycleIntervalMs:
      interval === undefined ? 3_600_000 : parseDuration('TESSERA_LIFECYCLE_INTERVAL', interval),
    lifecycleDayMs,
    staleUploadMs,
  };
}

function prometheusAuthType(env: Env): 'jwt' | 'public' {
  const v = (
    envValue(env, 'TESSERA_PROMETHEUS_AUTH_TYPE', 'MINIO_PROMETHEUS_AUTH_TYPE') ?? 'jwt'
  ).toLowerCase();
  if (v !== 'jwt' && v !== 'public')
    throw new Error(`TESSERA_PROMETHEUS_AUTH_TYPE must be jwt or public (got "${v}")`);
  return v;
}

export function loadServerConfig(opts: ServerFlags, env: Env = process.env): ServerConfig {
  const { host, port } = parseAddress(opts.address ?? envValue(env, 'TESSERA_ADDRESS') ?? ':9000');
  const sts = stsSettings(env);
  const workersRaw = envValue(env, 'TESSERA_WORKERS');
  const workers = workersRaw === undefined ? availableParallelism() : Number(workersRaw);
  if (!Number.isInteger(workers) || workers < 0)
    throw new Error('TESSERA_WORKERS must be a whole number (0 = no cluster)');
  return {
    dataDir: resolve(opts.dataDir ?? envValue(env, 'TESSERA_DATA_DIR') ?? './data'),
    host,
    port,
    region: envValue(env, 'TESSERA_REGION', 'MINIO_REGION', 'MINIO_SITE_REGION') ?? 'us-east-1',
    domains: list(envValue(env, 'TESSERA_DOMAIN', 'MINIO_DOMAIN')).map((d) => d.toLowerCase()),
    workers,
    logRequests: flag(env, 'TESSERA_LOG_REQUESTS'),
    logLevel: logLevel(opts.logLevel ?? envValue(env, 'TESSERA_LOG_LEVEL')),
    timeouts: {
      readHeaderMs: timeout(
        opts.readHeaderTimeout,
        env,
        ['TESSERA_READ_HEADER_TIMEOUT', 'MINIO_READ_HEADER_TIMEOUT'],
        DEFAULT_TIMEOUTS.readHeaderMs,
      ),
      idleMs: timeout(
        opts.idleTimeout,
        env,
        ['TESSERA_IDLE_TIMEOUT', 'MINIO_IDLE_TIMEOUT'],
        DEFAULT_TIMEOUTS.idleMs,
      ),
      stallMs: timeout(opts.stallTimeout, env, ['TESSERA_STALL_TIMEOUT'], DEFAULT_TIMEOUTS.stallMs),
    },
    accountId: envValue(env, 'TESSERA_ACCOUNT_ID') ?? '',
    trustedProxies: list(envValue(env, 'TESSERA_TRUSTED_PROXIES')),
    sts,
    ...minFree(envValue(env, 'TESSERA_MIN_FREE_SPACE')),
    readCacheSize: readCacheSize(envValue(env, 'TESSERA_READ_CACHE_SIZE')),
    metadataCacheEntries: metadataCacheEntries(envValue(env, 'TESSERA_METADATA_CACHE_ENTRIES')),
    openid: openIdSettings(env),
    ldap: ldapSettings(env),
    ldapSyncIntervalMs: timeout(
      undefined,
      env,
      ['TESSERA_IDENTITY_LDAP_SYNC_INTERVAL'],
      DEFAULT_LDAP_SYNC_INTERVAL_MS,
    ),
    ...lifecycleSettings(env),
    audit: auditSettings(env),
    prometheusAuthType: prometheusAuthType(env),
    defaultObjectOwnership: defaultObjectOwnership(env),
    sseCustomerKeysOverLoopbackHttp: flag(env, 'TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK'),
    tls: tlsSettings(opts.certsDir, env),
    plugins: pluginSettings(env),
    ...metadataSettings(env),
    ...consoleSettings(opts.consoleAddress, env, sts.limits.maxDurationSeconds),
  };
}
