import { createHash } from 'node:crypto';
import { boundedPost, type PluginFetch, TesseraError, withReason } from '../../core/index.js';

/** MinIO's identity management plugin (docs/plugins.md), as configured. */
export interface IdentityPluginConfig {
  /** The plugin's endpoint (http or https); the token is added as the `token` query parameter. */
  readonly url: string;
  /** Sent as the Authorization header when set (MinIO's auth_token). */
  readonly authToken?: string;
  /** The policies of every session the plugin vouches for (MinIO's role_policy, comma list). */
  readonly rolePolicy: readonly string[];
  /** MinIO's role_id: the ARN is `arn:minio:iam:::role/idmp-<role id>`. */
  readonly roleId?: string;
  /** Time for the whole exchange with the plugin (default 5 s, MinIO's). */
  readonly timeoutMs: number;
}

/** MinIO's plugin timeout. */
export const DEFAULT_IDENTITY_PLUGIN_TIMEOUT_MS = 5000;
/** Largest answer read from the plugin. */
export const MAX_IDENTITY_PLUGIN_ANSWER = 64 * 1024;
/** "maxValiditySeconds: integer (>= 900 seconds and < 365 days)". */
const MIN_VALIDITY = 900;
const MAX_VALIDITY = 365 * 24 * 3600;
/** The claims a session carries in its token: bounded, so that the token stays small. */
const MAX_CLAIMS_CHARS = 4096;
/** "The keys exp, parent and sub in the claims object are reserved and if present are ignored." */
const RESERVED = new Set(['exp', 'parent', 'sub', '__proto__']);

/** What the plugin vouched for. */
export interface PluginIdentity {
  /** The plugin's `user`: who the credentials are for. */
  readonly user: string;
  /** Longest session the plugin allows (seconds). */
  readonly maxValiditySeconds: number;
  /** Its claims, as strings or lists of strings (numbers and booleans as text), reserved keys dropped. */
  readonly claims: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * The role ARN of the plugin, as MinIO forms it: `idmp-` and the role id, or without one the
 * base64url SHA-1 of the URL (stable across restarts).
 * @example identityPluginRoleArn('http://auth:8080/', 'corp') // 'arn:minio:iam:::role/idmp-corp'
 */
export function identityPluginRoleArn(url: string, roleId?: string): string {
  const id = roleId ?? createHash('sha1').update(url).digest('base64url');
  return `arn:minio:iam:::role/idmp-${id}`;
}

/** Whether two role ARNs name the same role (MinIO puts its region in the ARN; either form is accepted). */
export function sameRoleArn(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/^arn:minio:iam:[^:]*::role\//, 'arn:minio:iam:::role/');
  return norm(a) === norm(b);
}

/** Printable text of at most `max` characters (a plugin's reason goes to the client). */
function printable(s: string, max: number): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
}

function communication(what: string, reason: string): TesseraError {
  return withReason(
    new TesseraError('IDPCommunicationError', `The identity plugin ${what}.`.slice(0, 600)),
    reason,
  );
}

function invalid(what: string): TesseraError {
  return communication(`answered ${what}`, 'plugin-invalid-response');
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** The claims as condition values: scalars and lists of scalars; anything else is left out. */
function claimsOf(raw: unknown): Record<string, string | readonly string[]> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('claims that are not an object');
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (RESERVED.has(k)) continue;
    const one = scalar(v);
    if (one !== undefined) out[k] = one;
    else if (Array.isArray(v)) {
      const all = v.map(scalar);
      if (all.every((x) => x !== undefined)) out[k] = Object.freeze(all as string[]);
    }
  }
  // Dropping some would drop what a Deny condition may test: too many is refused whole.
  const size = JSON.stringify(out).length;
  if (size > MAX_CLAIMS_CHARS) invalidClaims(size);
  return out;
}

function invalidClaims(size: number): never {
  throw invalid(`claims of ${size} characters (at most ${MAX_CLAIMS_CHARS} are kept in a session)`);
}

/** A 200 answer: `{"user": …, "maxValiditySeconds": …, "claims": {…}}`. */
function success(text: string): PluginIdentity {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('HTTP 200 with a body that is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('HTTP 200 with a body that is not a JSON object');
  const b = body as Record<string, unknown>;
  // "It is required that parent user be set."
  if (typeof b.user !== 'string' || b.user === '') throw invalid('no user');
  if (b.user.length > 256) throw invalid('a user name longer than 256 characters');
  const max = b.maxValiditySeconds;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < MIN_VALIDITY || max > MAX_VALIDITY)
    throw invalid(
      `an invalid maxValiditySeconds (${printable(String(max), 40)}): it must be a whole number from ${MIN_VALIDITY} to ${MAX_VALIDITY}`,
    );
  return { user: b.user, maxValiditySeconds: max, claims: claimsOf(b.claims) };
}

/** A 403 answer: `{"reason": …}`, passed on to the client as MinIO does. */
function rejection(text: string): TesseraError {
  let reason: unknown;
  try {
    reason = (JSON.parse(text) as { reason?: unknown } | null)?.reason;
  } catch {
    reason = undefined;
  }
  const why = typeof reason === 'string' && reason !== '' ? `: ${printable(reason, 256)}` : '';
  return withReason(
    new TesseraError('AccessDenied', `The identity plugin rejected the token${why}`),
    'plugin-rejected',
  );
}

/**
 * MinIO's identity management plugin: the token of AssumeRoleWithCustomToken is opaque here and
 * sent to the plugin (`POST <url>?token=<token>`, the auth token as Authorization), whose answer
 * says who it is. It returns verified claims, never credentials. Throws TesseraError
 * AccessDenied (the plugin refused: 403 and its reason), IDPCommunicationError (unreachable, no
 * answer in time, any other status, an answer that breaks the protocol). The token is never
 * logged nor put in a message.
 * @example const who = await plugin.authenticate(token) // { user: 'alice', maxValiditySeconds: 3600, claims: {} }
 */
export class IdentityPlugin {
  readonly roleArn: string;
  readonly #fetch: PluginFetch;

  constructor(
    readonly config: IdentityPluginConfig,
    fetchFn: PluginFetch = fetch,
  ) {
    this.roleArn = identityPluginRoleArn(config.url, config.roleId);
    this.#fetch = fetchFn;
  }

  async authenticate(token: string): Promise<PluginIdentity> {
    const url = new URL(this.config.url);
    url.searchParams.set('token', token);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.authToken !== undefined) headers.authorization = this.config.authToken;
    const r = await boundedPost(this.#fetch, url.href, {
      headers,
      timeoutMs: this.config.timeoutMs,
      maxBytes: MAX_IDENTITY_PLUGIN_ANSWER,
    });
    if (!r.ok) {
      if (r.failure === 'too-large') throw invalid(`more than ${MAX_IDENTITY_PLUGIN_ANSWER} bytes`);
      throw communication(
        `could not be reached: ${r.detail}`,
        r.failure === 'timeout' ? 'plugin-timeout' : 'plugin-unreachable',
      );
    }
    if (r.status === 200) return success(r.text);
    if (r.status === 403) throw rejection(r.text);
    throw invalid(`HTTP ${r.status} (expected 200 or 403)`);
  }
}
