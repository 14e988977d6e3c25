import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Server settings from flags and environment (docs/configuration.md lists every one). */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  region: string;
  domains: string[];
  workers: number;
  logRequests: boolean;
  /** The default account's id in ARNs ('' gives MinIO-style ARNs: arn:aws:iam:::user/alice). */
  accountId: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed for aws:SourceIp. */
  trustedProxies: string[];
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

export function loadServerConfig(
  opts: { dataDir?: string; address?: string },
  env: Env = process.env,
): ServerConfig {
  const { host, port } = parseAddress(opts.address ?? envValue(env, 'TESSERA_ADDRESS') ?? ':9000');
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
    accountId: envValue(env, 'TESSERA_ACCOUNT_ID') ?? '',
    trustedProxies: list(envValue(env, 'TESSERA_TRUSTED_PROXIES')),
  };
}
