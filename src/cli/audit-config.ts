import { hostname } from 'node:os';
import { deriveAuditKey, FileTarget } from '../audit/index.js';
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

/** This process's node id: host and pid (each worker writes its own stream and file). */
export function auditNodeId(): string {
  return `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9.-]/g, '_');
}

/** The file target of a server process, its checkpoints signed under a key derived from the master key. */
export function openAuditFile(
  settings: AuditFileSettings,
  masterKey: { id: string; key: Uint8Array },
  onError: (message: string, err: unknown) => void,
): FileTarget {
  const node = auditNodeId();
  return new FileTarget({
    path: settings.path,
    node,
    stream: `${node}-${Date.now().toString(36)}`,
    key: deriveAuditKey(masterKey.id, masterKey.key),
    maxSize: settings.maxSize,
    maxAgeMs: settings.maxAgeMs,
    queueSize: settings.queueSize,
    checkpointEvery: settings.checkpointEvery,
    onError,
  });
}
