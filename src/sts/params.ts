import { TesseraError } from '../core/index.js';
import { MIN_DURATION_SECONDS, type StsLimits } from './types.js';

/** A parameter's value; MissingParameter when required and absent. */
export function param(params: URLSearchParams, name: string, required: true): string;
export function param(params: URLSearchParams, name: string, required?: false): string | undefined;
export function param(params: URLSearchParams, name: string, required = false): string | undefined {
  const v = params.get(name);
  if (v === null && required) {
    throw new TesseraError('MissingParameter', `The request must contain the parameter ${name}`);
  }
  return v ?? undefined;
}

/** AWS's validation error wording. */
function invalid(value: string, field: string, constraint: string): TesseraError {
  return new TesseraError(
    'ValidationError',
    `1 validation error detected: Value '${value.slice(0, 100)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/**
 * DurationSeconds: the default when absent; 900 s up to the server's maximum (and a role's
 * MaxSessionDuration, with roles), as AWS words it.
 */
export function durationSeconds(params: URLSearchParams, limits: StsLimits): number {
  const raw = param(params, 'DurationSeconds');
  if (raw === undefined) return Math.min(limits.defaultDurationSeconds, limits.maxDurationSeconds);
  if (!/^\d{1,10}$/.test(raw)) throw invalid(raw, 'durationSeconds', 'Member must be a number');
  const n = Number(raw);
  if (n < MIN_DURATION_SECONDS) {
    throw invalid(
      raw,
      'durationSeconds',
      `Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`,
    );
  }
  if (n > limits.maxDurationSeconds) {
    throw new TesseraError(
      'ValidationError',
      `The requested DurationSeconds exceeds the maximum session duration this server allows (${limits.maxDurationSeconds} seconds).`,
    );
  }
  return n;
}

/** RoleSessionName: 2-64 of [\w+=,.@-] (optional: MinIO clients leave it out). */
export function sessionName(params: URLSearchParams): string | undefined {
  const v = param(params, 'RoleSessionName');
  if (v === undefined) return undefined;
  if (!/^[\w+=,.@-]{2,64}$/.test(v)) {
    throw invalid(v, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  }
  return v;
}

/** PolicyArns.member.N.arn, in order (up to 10, as AWS). */
export function policyArns(params: URLSearchParams): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const arn = params.get(`PolicyArns.member.${i}.arn`);
    if (arn === null) break;
    out.push(arn);
  }
  if (out.length > 10) {
    throw invalid(String(out.length), 'policyArns', 'Member must have length less than or equal to 10');
  }
  return out;
}
