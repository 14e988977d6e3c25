import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  type AuditTarget,
  deriveAuditKey,
  FileTarget,
  MultiTarget,
  NatsTarget,
  WEBHOOK_FORMATS,
  type WebhookFormat,
  WebhookTarget,
} from '../audit/index.js';
import { envValue, parseDuration } from './config.js';

type Env = Record<string, string | undefined>;

/** The audit file target's settings (docs/configuration.md, docs/audit.md "File target"). */
export interface AuditFileSettings {
  /** TESSERA_AUDIT_FILE: a directory, or a file path (`x.jsonl` → `x-<node>.jsonl`). */
  path: string;
  /** TESSERA_AUDIT_FILE_MAX_SIZE: bytes (`100MiB`, `10MB`, `1048576`). */
  maxSize: number;
  /** TESSERA_AUDIT_FILE_MAX_AGE: a duration, in ms. */
  maxAgeMs: number;
  /** TESSERA_AUDIT_QUEUE_SIZE: entries held in memory before they are dropped (and counted). */
  queueSize: number;
  /** TESSERA_AUDIT_CHECKPOINT_EVERY: lines between signed checkpoints. */
  checkpointEvery: number;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses a size: `100MiB`, `10MB`, `512KiB`, `1048576`. */
export function parseSize(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(value.trim());
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined)
    throw new Error(`${name} must be a size such as 100MiB or 10MB (got "${value}")`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1024) throw new Error(`${name} must be at least 1KiB`);
  return bytes;
}

function whole(env: Env, name: string, fallback: number): number {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0 (got "${raw}")`);
  return n;
}

/** The audit file target's settings from the environment; undefined when TESSERA_AUDIT_FILE is not set. */
export function auditFileSettings(env: Env): AuditFileSettings | undefined {
  const path = envValue(env, 'TESSERA_AUDIT_FILE');
  if (path === undefined) return undefined;
  const size = envValue(env, 'TESSERA_AUDIT_FILE_MAX_SIZE');
  const age = envValue(env, 'TESSERA_AUDIT_FILE_MAX_AGE');
  const maxAgeMs = age === undefined ? 86_400_000 : parseDuration('TESSERA_AUDIT_FILE_MAX_AGE', age);
  if (maxAgeMs <= 0) throw new Error('TESSERA_AUDIT_FILE_MAX_AGE must be longer than 0');
  return {
    path,
    maxSize: size === undefined ? 100 * 1024 ** 2 : parseSize('TESSERA_AUDIT_FILE_MAX_SIZE', size),
    maxAgeMs,
    queueSize: whole(env, 'TESSERA_AUDIT_QUEUE_SIZE', 10_000),
    checkpointEvery: whole(env, 'TESSERA_AUDIT_CHECKPOINT_EVERY', 1000),
  };
}

/** A webhook target's settings (docs/audit.md "Webhook target"); `name` is '' for the unnamed one. */
export interface WebhookSettings {
  name: string;
  endpoint: string;
  authToken?: string;
  format: WebhookFormat;
  /** TESSERA_AUDIT_WEBHOOK_INDEX: the elasticsearch index. */
  index?: string;
  batchSize: number;
  /** The spool directory; default `<data dir>/.tessera/audit-queue/webhook[-<name>]`. */
  queueDir?: string;
  queueSize: number;
}

/** The NATS JetStream target's settings (docs/audit.md "NATS JetStream target"). */
export interface NatsSettings {
  servers: string[];
  subject: string;
  stream: string;
  username?: string;
  password?: string;
  token?: string;
  /** The spool directory; default `<data dir>/.tessera/audit-queue/nats`. */
  queueDir?: string;
  queueSize: number;
}

/** Every audit target configured: any number at once. */
export interface AuditSettings {
  file?: AuditFileSettings;
  webhooks: WebhookSettings[];
  nats?: NatsSettings;
  checkpointEvery: number;
}

const OFF = /^(off|false|0|no|disabled?)$/i;

/** A webhook setting of instance `name`: TESSERA_AUDIT_WEBHOOK_<KEY>[_<NAME>], or MinIO's name. */
function webhookValue(env: Env, key: string, name: string): string | undefined {
  const suffix = name === '' ? '' : `_${name}`;
  return envValue(env, `TESSERA_AUDIT_WEBHOOK_${key}${suffix}`, `MINIO_AUDIT_WEBHOOK_${key}${suffix}`);
}

function webhook(env: Env, name: string): WebhookSettings | undefined {
  const endpoint = webhookValue(env, 'ENDPOINT', name);
  const enable = webhookValue(env, 'ENABLE', name);
  if (endpoint === undefined || (enable !== undefined && OFF.test(enable))) return undefined;
  const suffix = name === '' ? '' : `_${name}`;
  const format = (envValue(env, `TESSERA_AUDIT_WEBHOOK_FORMAT${suffix}`) ?? 'json') as WebhookFormat;
  if (!WEBHOOK_FORMATS.includes(format))
    throw new Error(`TESSERA_AUDIT_WEBHOOK_FORMAT${suffix} must be one of ${WEBHOOK_FORMATS.join(', ')}`);
  try {
    new URL(endpoint);
  } catch {
    throw new Error(`TESSERA_AUDIT_WEBHOOK_ENDPOINT${suffix} must be a URL (got "${endpoint}")`);
  }
  const token = webhookValue(env, 'AUTH_TOKEN', name);
  const index = envValue(env, `TESSERA_AUDIT_WEBHOOK_INDEX${suffix}`);
  const queueDir = webhookValue(env, 'QUEUE_DIR', name);
  const count = (key: string, fallback: number) =>
    whole({ [key]: webhookValue(env, key, name) }, key, fallback);
  return {
    name,
    endpoint,
    ...(token === undefined ? {} : { authToken: token }),
    format,
    ...(index === undefined ? {} : { index }),
    batchSize: count('BATCH_SIZE', 1),
    ...(queueDir === undefined ? {} : { queueDir }),
    queueSize: count('QUEUE_SIZE', 100_000),
  };
}

function nats(env: Env): NatsSettings | undefined {
  const address = envValue(env, 'TESSERA_AUDIT_NATS_ADDRESS');
  if (address === undefined) return undefined;
  const opt = (key: string) => envValue(env, `TESSERA_AUDIT_NATS_${key}`);
  const [username, password, token, queueDir] = ['USERNAME', 'PASSWORD', 'TOKEN', 'QUEUE_DIR'].map(opt);
  return {
    servers: address
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    subject: opt('SUBJECT') ?? 'tessera.audit',
    stream: opt('STREAM') ?? 'TESSERA_AUDIT',
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(token === undefined ? {} : { token }),
    ...(queueDir === undefined ? {} : { queueDir }),
    queueSize: whole(env, 'TESSERA_AUDIT_NATS_QUEUE_SIZE', 100_000),
  };
}

/** Every audit target's settings from the environment (none set: the audit trail is off). */
export function auditSettings(env: Env): AuditSettings {
  const names = new Set(['']);
  for (const k of Object.keys(env)) {
    const m = /^(?:TESSERA|MINIO)_AUDIT_WEBHOOK_ENDPOINT_([A-Za-z0-9_]+)$/.exec(k);
    if (m !== null) names.add(m[1]!);
  }
  const file = auditFileSettings(env);
  const natsSettings = nats(env);
  return {
    ...(file === undefined ? {} : { file }),
    webhooks: [...names].flatMap((n) => webhook(env, n) ?? []),
    ...(natsSettings === undefined ? {} : { nats: natsSettings }),
    checkpointEvery: whole(env, 'TESSERA_AUDIT_CHECKPOINT_EVERY', 1000),
  };
}

/** The secrets among the audit settings (auth tokens, NATS password and token): masked in every log line. */
export function auditSecrets(s: AuditSettings): string[] {
  const all = [...s.webhooks.map((w) => w.authToken), s.nats?.password, s.nats?.token];
  return all.filter((x): x is string => x !== undefined);
}

/** This process's node id: host and pid (each worker writes its own stream and file). */
export function auditNodeId(): string {
  return `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9.-]/g, '_');
}

/**
 * A server process's audit targets (undefined: none configured), as one fan-out target when
 * there are several. Each target is its own stream (`<node>-<start>[-<target>]`); checkpoints are
 * signed under a key derived from the master key; spools default to the data directory.
 */
export function openAuditTargets(
  settings: AuditSettings,
  masterKey: { id: string; key: Uint8Array },
  onError: (message: string, err: unknown) => void,
  where: { dataDir: string; deploymentId?: string },
): AuditTarget | undefined {
  const node = auditNodeId();
  const start = `${node}-${Date.now().toString(36)}`;
  const key = deriveAuditKey(masterKey.id, masterKey.key);
  const deploymentId = where.deploymentId === undefined ? {} : { deploymentId: where.deploymentId };
  const common = { node, key, checkpointEvery: settings.checkpointEvery, onError, ...deploymentId };
  const spool = (name: string) => join(where.dataDir, '.tessera', 'audit-queue', name);
  const targets: AuditTarget[] = [];
  if (settings.file !== undefined)
    targets.push(
      new FileTarget({ ...common, ...fileOptions(settings.file), path: settings.file.path, stream: start }),
    );
  for (const w of settings.webhooks) {
    const name = w.name === '' ? 'webhook' : `webhook-${w.name}`;
    targets.push(
      new WebhookTarget({
        ...common,
        name,
        stream: `${start}-${name}`,
        endpoint: w.endpoint,
        ...(w.authToken === undefined ? {} : { authToken: w.authToken }),
        format: w.format,
        ...(w.index === undefined ? {} : { index: w.index }),
        batchSize: w.batchSize,
        queueDir: w.queueDir ?? spool(name),
        queueSize: w.queueSize,
      }),
    );
  }
  const n = settings.nats;
  if (n !== undefined)
    targets.push(
      new NatsTarget({
        ...common,
        stream: `${start}-nats`,
        servers: n.servers,
        subject: n.subject,
        streamName: n.stream,
        ...(n.username === undefined ? {} : { username: n.username }),
        ...(n.password === undefined ? {} : { password: n.password }),
        ...(n.token === undefined ? {} : { token: n.token }),
        queueDir: n.queueDir ?? spool('nats'),
        queueSize: n.queueSize,
        batchSize: 100,
      }),
    );
  if (targets.length <= 1) return targets[0];
  return new MultiTarget(targets);
}

/** The file target's options from its settings. */
function fileOptions(s: AuditFileSettings): { maxSize: number; maxAgeMs: number; queueSize: number } {
  return { maxSize: s.maxSize, maxAgeMs: s.maxAgeMs, queueSize: s.queueSize };
}
