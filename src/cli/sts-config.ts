import {
  DEFAULT_STS_LIMITS,
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
  };
}
