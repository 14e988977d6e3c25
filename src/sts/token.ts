import { createCipheriv, createDecipheriv } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { constantTimeEqual, type FederatedIdentity, randomPooled, TesseraError } from '../core/index.js';
import {
  Lru,
  type OpenedSession,
  type SessionClaims,
  type SessionOpener,
  type SessionRoleClaim,
} from '../iam/index.js';
import { type StsKeyring, sessionSecret } from './keys.js';

/**
 * The session token format (docs/sts.md), self-contained so that issuing credentials writes
 * nothing: `<version>.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>`, the ciphertext being
 * AES-256-GCM of the claims, authenticated with `tessera-sts:<version>:<key id>` as additional
 * data. In `ts2` the plaintext is a flag byte (0: JSON as is, 1: deflated JSON) and the JSON
 * claims; only claims longer than DEFLATE_OVER bytes (long session policies) are deflated, since
 * a zlib stream per token costs more than the bytes it saves on short ones. `ts1` tokens (always
 * deflated, no flag) still open. Secrets are not in the token: they are derived from it (keys.ts).
 */
const VERSION = 'ts2';
const LEGACY_VERSION = 'ts1';
const IV = 12;
const TAG = 16;
/** Claims longer than this are deflated before sealing. */
const DEFLATE_OVER = 1024;
const RAW = 0;
const DEFLATED = 1;
/** Longest token accepted (a session policy of 2,048 characters and a few ARNs fit easily). */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Most bytes the claims may inflate to (bounds the inflate of a forged token). */
const MAX_CLAIMS = 64 * 1024;

/** The claims as stored in a token (short names keep tokens small). */
interface Wire {
  v: 1;
  sid: string;
  ak: string;
  /** The long-term parent's access key, or */
  par?: string;
  /** the federated identity the session is for, or */
  fed?: FederatedIdentity;
  /** the role it was assumed into. */
  role?: SessionRoleClaim;
  iat: number;
  exp: number;
  pol?: string[];
  name?: string;
  /** Session tags as [key, value] pairs, and the transitive keys among them (docs/sts.md). */
  tg?: [string, string][];
  tt?: string[];
}

const AADS = new Map<string, Buffer>();

/** The additional data of a version and key id (cached: a handful of ids per process). */
function aad(version: string, keyId: string): Buffer {
  const id = `${version}:${keyId}`;
  let a = AADS.get(id);
  if (a === undefined) {
    a = Buffer.from(`tessera-sts:${id}`, 'utf8');
    if (AADS.size < 64) AADS.set(id, a);
  }
  return a;
}

/** The flagged plaintext of `ts2`: short claims as they are, long ones deflated. */
function plaintext(json: string): Buffer {
  const raw = Buffer.from(json, 'utf8');
  if (raw.length <= DEFLATE_OVER) return Buffer.concat([Buffer.of(RAW), raw]);
  return Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(raw)]);
}

/** The claims' JSON text of an opened plaintext. */
function claimsText(version: string, plain: Buffer): string {
  if (version === LEGACY_VERSION)
    return inflateRawSync(plain, { maxOutputLength: MAX_CLAIMS }).toString('utf8');
  if (plain[0] === RAW) return plain.toString('utf8', 1);
  if (plain[0] === DEFLATED)
    return inflateRawSync(plain.subarray(1), { maxOutputLength: MAX_CLAIMS }).toString('utf8');
  throw new Error('unknown claims encoding');
}

/** Seals claims into a token with the keyring's current key; returns the token and the session's secret. */
export function sealSession(keys: StsKeyring, claims: SessionClaims): { token: string; secretKey: string } {
  const wire: Wire = {
    v: 1,
    sid: claims.sessionId,
    ak: claims.accessKey,
    iat: claims.issuedAt,
    exp: claims.expiresAt,
  };
  if (claims.parentAccessKey !== undefined) wire.par = claims.parentAccessKey;
  if (claims.federated !== undefined) wire.fed = claims.federated;
  if (claims.role !== undefined)
    wire.role = { account: claims.role.account, name: claims.role.name, id: claims.role.id };
  if (claims.sessionPolicies !== undefined) wire.pol = [...claims.sessionPolicies];
  if (claims.sessionName !== undefined) wire.name = claims.sessionName;
  if (claims.sessionTags !== undefined) wire.tg = Object.entries(claims.sessionTags);
  if (claims.transitiveTagKeys !== undefined && claims.transitiveTagKeys.length > 0)
    wire.tt = [...claims.transitiveTagKeys];
  const key = keys.current;
  const iv = randomPooled(IV);
  const cipher = createCipheriv('aes-256-gcm', key.seal, iv);
  cipher.setAAD(aad(VERSION, key.id));
  const body = cipher.update(plaintext(JSON.stringify(wire)));
  const sealed = Buffer.concat([iv, body, cipher.final(), cipher.getAuthTag()]).toString('base64url');
  return {
    token: `${VERSION}.${key.id}.${sealed}`,
    secretKey: sessionSecret(key, claims.sessionId, claims.accessKey),
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

function isFederated(v: unknown): v is FederatedIdentity {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  const claims = f['claims'];
  return (
    f['kind'] === 'federated' &&
    ['account', 'source', 'issuer', 'subject', 'name', 'arn', 'userId'].every((k) => isString(f[k])) &&
    isStrings(f['policies']) &&
    isStrings(f['groups']) &&
    typeof claims === 'object' &&
    claims !== null &&
    Object.values(claims).every((c) => isString(c) || isStrings(c))
  );
}

function isRole(v: unknown): v is SessionRoleClaim {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return isString(r['account']) && isString(r['name']) && isString(r['id']);
}

/** Exactly one of par / fed / role says whose session it is. */
function hasOneParent(o: Record<string, unknown>): boolean {
  const set = ['par', 'fed', 'role'].filter((k) => o[k] !== undefined);
  if (set.length !== 1) return false;
  if (set[0] === 'par') return isString(o['par']);
  if (set[0] === 'fed') return isFederated(o['fed']);
  return isRole(o['role']);
}

/** Most session tags a token may carry (AWS's 50). */
const MAX_TAGS = 50;

function isTagPairs(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.length <= MAX_TAGS &&
    v.every((p) => Array.isArray(p) && p.length === 2 && isString(p[0]) && isString(p[1]))
  );
}

function isWire(w: unknown): w is Wire {
  if (typeof w !== 'object' || w === null) return false;
  const o = w as Record<string, unknown>;
  return (
    o['v'] === 1 &&
    typeof o['sid'] === 'string' &&
    typeof o['ak'] === 'string' &&
    hasOneParent(o) &&
    typeof o['iat'] === 'number' &&
    typeof o['exp'] === 'number' &&
    (o['pol'] === undefined || (Array.isArray(o['pol']) && o['pol'].every((p) => typeof p === 'string'))) &&
    (o['name'] === undefined || typeof o['name'] === 'string') &&
    (o['tg'] === undefined || isTagPairs(o['tg'])) &&
    (o['tt'] === undefined || (isStrings(o['tt']) && (o['tt'] as string[]).length <= MAX_TAGS))
  );
}

/** Decrypts and parses a token; undefined when it is not a genuine token of these keys. */
function unseal(keys: StsKeyring, token: string): { wire: Wire; keyId: string } | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const [version, keyId, sealed, ...rest] = token.split('.');
  if (
    (version !== VERSION && version !== LEGACY_VERSION) ||
    keyId === undefined ||
    sealed === undefined ||
    rest.length > 0
  )
    return undefined;
  const key = keys.key(keyId);
  if (key === undefined || !/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
  const bytes = Buffer.from(sealed, 'base64url');
  // One spelling per token: trailing bits base64 ignores must be zero.
  if (bytes.length < IV + TAG + 1 || bytes.toString('base64url') !== sealed) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.seal, bytes.subarray(0, IV));
    decipher.setAAD(aad(version, keyId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV, bytes.length - TAG)), decipher.final()]);
    const wire: unknown = JSON.parse(claimsText(version, plain));
    return isWire(wire) ? { wire, keyId } : undefined;
  } catch {
    // Altered, truncated, sealed by another key: not a token of this deployment.
    return undefined;
  }
}

/** How many opened tokens a process keeps (each a few hundred bytes). */
export const OPENED_CACHE_SIZE = 10_000;

/**
 * The SessionOpener IAM resolves temporary credentials with: a token opens only for the access
 * key it was issued for, and only before it expires (ExpiredToken after). Opened tokens are kept
 * in a bounded cache keyed by the token itself, so a session's later requests skip the
 * decryption; the expiry and the access key are still checked on every request, and the parent
 * is still resolved by IAM every time. Only genuine tokens enter the cache, and a token's
 * contents never change, so an entry is never stale.
 */
export function sessionOpener(keys: StsKeyring, cacheSize = OPENED_CACHE_SIZE): SessionOpener {
  const opened = new Lru<string, OpenedSession>(cacheSize);
  const check = (session: OpenedSession, accessKey: string, now: number): OpenedSession | undefined => {
    if (!constantTimeEqual(session.claims.accessKey, accessKey)) return undefined;
    if (now >= session.claims.expiresAt)
      throw new TesseraError('ExpiredToken', 'The security token included in the request is expired');
    return session;
  };
  return {
    open(accessKey: string, token: string, now: number): OpenedSession | undefined {
      const hit = opened.get(token);
      if (hit !== undefined) return check(hit, accessKey, now);
      const session = openToken(keys, token);
      if (session === undefined) return undefined;
      opened.set(token, session);
      return check(session, accessKey, now);
    },
  };
}

/** Decrypts and checks a token: its claims and the secret derived for it. */
function openToken(keys: StsKeyring, token: string): OpenedSession | undefined {
  const opened = unseal(keys, token);
  if (opened === undefined) return undefined;
  const w = opened.wire;
  const claims: SessionClaims = {
    sessionId: w.sid,
    accessKey: w.ak,
    ...(w.par === undefined ? {} : { parentAccessKey: w.par }),
    ...(w.fed === undefined ? {} : { federated: w.fed }),
    ...(w.role === undefined ? {} : { role: w.role }),
    issuedAt: w.iat,
    expiresAt: w.exp,
    ...(w.pol === undefined ? {} : { sessionPolicies: Object.freeze(w.pol) }),
    ...(w.name === undefined ? {} : { sessionName: w.name }),
    ...(w.tg === undefined ? {} : { sessionTags: Object.freeze(Object.fromEntries(w.tg)) }),
    ...(w.tt === undefined ? {} : { transitiveTagKeys: Object.freeze(w.tt) }),
  };
  const key = keys.key(opened.keyId)!;
  return Object.freeze({ claims: Object.freeze(claims), secretKey: sessionSecret(key, w.sid, w.ak) });
}
