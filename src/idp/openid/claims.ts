import { TesseraError } from '../../core/index.js';
import type { OpenIdProviderConfig } from './config.js';

/** A token's decoded claims set. */
export type ClaimsSet = Readonly<Record<string, unknown>>;

function invalid(message: string): TesseraError {
  return new TesseraError('InvalidIdentityToken', message.slice(0, 600));
}

const CLOCKS = 'check the clocks of this server and of the identity provider';

function numericDate(claims: ClaimsSet, name: string, required: boolean): number | undefined {
  const v = claims[name];
  if (v === undefined && !required) return undefined;
  if (v === undefined) throw invalid(`the token has no ${name} claim.`);
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw invalid(`the token's ${name} claim is not a number.`);
  return v;
}

/**
 * exp (required), nbf and iat against `nowMs` with `leeway` seconds of tolerance. The message
 * says which check failed and by how much: clock drift is the usual cause.
 */
export function checkTimes(claims: ClaimsSet, nowMs: number, leeway: number): void {
  const now = nowMs / 1000;
  const exp = numericDate(claims, 'exp', true)!;
  if (now - exp >= leeway) {
    throw invalid(`token expired ${Math.floor(now - exp)} s ago (leeway ${leeway} s).`);
  }
  const nbf = numericDate(claims, 'nbf', false);
  if (nbf !== undefined && nbf - now > leeway) {
    throw invalid(`token not valid for another ${Math.ceil(nbf - now)} s (leeway ${leeway} s): ${CLOCKS}.`);
  }
  const iat = numericDate(claims, 'iat', false);
  if (iat !== undefined && iat - now > leeway) {
    throw invalid(`token issued ${Math.ceil(iat - now)} s in the future (leeway ${leeway} s): ${CLOCKS}.`);
  }
}

function strings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** The audience check: `aud` contains the client id, or `azp` is it. */
export function checkAudience(claims: ClaimsSet, clientId: string): void {
  const aud = strings(claims['aud']) ?? [];
  if (aud.includes(clientId) || claims['azp'] === clientId) return;
  const shown = aud.length === 0 ? 'no audience' : `audience ${aud.join(',').slice(0, 200)}`;
  throw invalid(
    `wrong audience: the token has ${shown}, and neither aud nor azp is the client id ${clientId}.`,
  );
}

/** The token's sub (required, a non-empty string). */
export function subjectOf(claims: ClaimsSet): string {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') throw invalid('the token has no sub claim.');
  return sub;
}

/** A claim's values: a string (a comma list), or an array of strings (each maybe a comma list). */
export function claimValues(v: unknown): string[] {
  const raw = strings(v) ?? [];
  return [
    ...new Set(
      raw
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** ARNs name a role by resource id; MinIO puts the server's region in the region field (either form works). */
function sameRole(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/^arn:minio:iam:[^:]*::role\//, 'arn:minio:iam:::role/');
  return norm(a) === norm(b);
}

/**
 * The policies a token maps to: a role-policy provider's policies (unless the call names
 * another MinIO role ARN), otherwise the claim_name claim's values, each with claim_prefix. No
 * policy → IDPRejectedClaim.
 */
export function policiesOf(
  p: OpenIdProviderConfig,
  claims: ClaimsSet,
  roleArn: string | undefined,
): string[] {
  if (p.roleArn !== undefined) {
    // Another MinIO role is refused; an AWS-style ARN (the SDKs require one) or none takes this role.
    if (roleArn !== undefined && /^arn:minio:iam:/.test(roleArn) && !sameRole(roleArn, p.roleArn)) {
      throw new TesseraError(
        'IDPRejectedClaim',
        `RoleArn ${roleArn.slice(0, 200)} is not the role of OpenID provider ${p.name} (${p.roleArn}).`,
      );
    }
    return [...p.rolePolicy];
  }
  const names = claimValues(claims[p.claimName]).map((n) => `${p.claimPrefix}${n}`);
  if (names.length === 0) {
    throw new TesseraError(
      'IDPRejectedClaim',
      `The token's claims map to no policy: its ${p.claimName.slice(0, 100)} claim is missing or empty.`,
    );
  }
  return names;
}

/** The groups claim's values. */
export function groupsOf(p: OpenIdProviderConfig, claims: ClaimsSet): string[] {
  return claimValues(claims[p.groupsClaim]);
}

/** Every top-level claim whose value is a string or a list of strings (jwt:<claim> keys). */
export function stringClaims(claims: ClaimsSet): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (k === '__proto__') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = Object.freeze([...v]);
  }
  return out;
}

/** A display name: preferred_username, email, or the subject. */
export function displayName(claims: ClaimsSet, subject: string): string {
  for (const k of ['preferred_username', 'email']) {
    const v = claims[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return subject;
}
