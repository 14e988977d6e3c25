import {
  DEFAULT_STS_LIMITS,
  type IssuanceLimits,
  MAX_CONFIGURABLE_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  type StsLimits,
} from '../sts/index.js';

type Env = Record<string, string | undefined>;

/** STS settings (docs/configuration.md, docs/sts.md). */
export interface StsSettings {
  readonly limits: StsLimits;
  /** The key id new session tokens are sealed with. */
  readonly keyId: string;
  /** Older key ids whose tokens are still accepted (rotation with overlap). */
  readonly acceptedKeyIds: readonly string[];
  /**
   * TESSERA_STS_STRICT_ROLES=on: AssumeRole with a RoleArn that names no role of this deployment
   * is AccessDenied, as AWS answers (default off: MinIO's session of the caller).
   */
  readonly strictRoles: boolean;
  /** TESSERA_STS_RATE_LIMIT / _RATE_BURST / _MAX_SESSIONS (docs/sts.md "Issuance limits"). */
  readonly issuance: IssuanceLimits;
  /** TESSERA_STS_MAX_REVOCATIONS: single sessions the revocation list holds at most. */
  readonly maxRevocations: number;
  /** TESSERA_SVCACCT_MAX_EXPIRY: longest lifetime of a user's service account (seconds), if capped. */
  readonly serviceAccountMaxExpirySeconds?: number;
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds from "3600", "90m", "12h", "7d" or "1h30m". */
function seconds(name: string, value: string): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (/^(\d+(s|m|h|d))+$/.test(v)) {
    let total = 0;
    for (const [, n, unit] of v.matchAll(/(\d+)(s|m|h|d)/g)) total += Number(n) * UNIT_S[unit!]!;
    return total;
  }
  throw new Error(`${name} must be a duration such as 3600, 90m, 12h or 7d (got "${value}")`);
}

function bounded(name: string, value: number): number {
  if (value < MIN_DURATION_SECONDS || value > MAX_CONFIGURABLE_DURATION_SECONDS) {
    throw new Error(`${name} must be between 15m and 365d`);
  }
  return value;
}

function onOff(name: string, value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return false;
  if (v === 'on' || v === 'true' || v === '1') return true;
  throw new Error(`${name} must be on or off (got "${value}")`);
}

/** A non-negative number (a rate may be fractional: 0.5 = one every two seconds). */
function count(name: string, value: string | undefined, fallback: number, integer = true): number {
  const v = (value ?? '').trim();
  if (v === '') return fallback;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0 (got "${value}")`);
  }
  return n;
}

/** The issuance limits and revocation bounds. */
function limitSettings(
  env: Env,
): Pick<StsSettings, 'issuance' | 'maxRevocations' | 'serviceAccountMaxExpirySeconds'> {
  const rate = count('TESSERA_STS_RATE_LIMIT', env['TESSERA_STS_RATE_LIMIT'], 0, false);
  const burst = count('TESSERA_STS_RATE_BURST', env['TESSERA_STS_RATE_BURST'], 0);
  const maxSessions = count('TESSERA_STS_MAX_SESSIONS', env['TESSERA_STS_MAX_SESSIONS'], 0);
  const maxRevocations = count('TESSERA_STS_MAX_REVOCATIONS', env['TESSERA_STS_MAX_REVOCATIONS'], 10_000);
  if (maxRevocations < 1) throw new Error('TESSERA_STS_MAX_REVOCATIONS must be at least 1');
  const expiryRaw = env['TESSERA_SVCACCT_MAX_EXPIRY']?.trim();
  const expiry = expiryRaw ? seconds('TESSERA_SVCACCT_MAX_EXPIRY', expiryRaw) : 0;
  return {
    issuance: {
      ...(rate > 0 ? { ratePerSecond: rate } : {}),
      ...(burst > 0 ? { burst } : {}),
      ...(maxSessions > 0 ? { maxSessions } : {}),
    },
    maxRevocations,
    ...(expiry > 0 ? { serviceAccountMaxExpirySeconds: expiry } : {}),
  };
}

export function stsSettings(env: Env): StsSettings {
  const maxRaw = env['TESSERA_STS_MAX_DURATION'];
  const defRaw = env['TESSERA_STS_DEFAULT_DURATION'];
  const max = maxRaw
    ? bounded('TESSERA_STS_MAX_DURATION', seconds('TESSERA_STS_MAX_DURATION', maxRaw))
    : DEFAULT_STS_LIMITS.maxDurationSeconds;
  const def = defRaw
    ? bounded('TESSERA_STS_DEFAULT_DURATION', seconds('TESSERA_STS_DEFAULT_DURATION', defRaw))
    : DEFAULT_STS_LIMITS.defaultDurationSeconds;
  if (def > max) throw new Error('TESSERA_STS_DEFAULT_DURATION must not exceed TESSERA_STS_MAX_DURATION');
  const accepted = (env['TESSERA_STS_ACCEPTED_KEY_IDS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    limits: { defaultDurationSeconds: def, maxDurationSeconds: max },
    keyId: env['TESSERA_STS_KEY_ID']?.trim() || '1',
    acceptedKeyIds: accepted,
    strictRoles: onOff('TESSERA_STS_STRICT_ROLES', env['TESSERA_STS_STRICT_ROLES']),
    ...limitSettings(env),
  };
}
