/**
 * The one redaction of the audit trail (docs/audit.md "Redaction"): every entry, and the request
 * event it is built from, passes through here before it is written anywhere. Secrets are replaced
 * by `REDACTED`; the identifying, non-secret parts of credentials (the access key and scope of
 * an Authorization header or X-Amz-Credential) are kept.
 */

export const REDACTED = 'REDACTED';

/** Names (lowercased, `-` and `_` removed) that are never secret although they match the pattern below. */
const NOT_SECRET = new Set(['continuationtoken', 'nextcontinuationtoken', 'xamzcredential', 'tokenduration']);

/**
 * A header, query parameter or field whose name matches carries a secret: signatures, session and
 * web identity tokens, passwords (LDAPPassword), client secrets, secret access keys, SSE-C keys,
 * cookies, MFA codes, SAML assertions, OAuth codes.
 */
const SECRET_NAME =
  /(secret|passw(or)?d|token|signature|customerkey$|cookie|privatekey|apikey|assertion|samlresponse|^code$|^xamzmfa$|^proxyauthorization$)/;

function normal(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

enum Kind {
  Plain,
  Secret,
  Authorization,
  Credential,
}

/** Names seen before and their kind (bounded: names come from clients). */
const kinds = new Map<string, Kind>();

function kindOf(name: string): Kind {
  let k = kinds.get(name);
  if (k !== undefined) return k;
  const n = normal(name);
  k =
    n === 'authorization'
      ? Kind.Authorization
      : n === 'xamzcredential'
        ? Kind.Credential
        : !NOT_SECRET.has(n) && SECRET_NAME.test(n)
          ? Kind.Secret
          : Kind.Plain;
  if (kinds.size < 4096) kinds.set(name, k);
  return k;
}

/** Whether a header or parameter name carries a secret (Authorization is handled apart). */
export function isSecretName(name: string): boolean {
  return kindOf(name) === Kind.Secret;
}

const ACCESS_KEY = /^[A-Za-z0-9._~+=@-]{1,128}$/;
const SCOPE = /^[A-Za-z0-9._~+=@-]{1,128}\/\d{8}\/[A-Za-z0-9-]{1,32}\/[A-Za-z0-9-]{1,32}\/aws4_request$/;
const SIGV4 =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([a-z0-9;._-]{1,4096})\s*,\s*Signature=\S*$/;
const SIGV2 = /^AWS\s+([^:\s]+):\S*$/;

/**
 * An Authorization header without its secret part: SigV4 keeps the algorithm, credential scope
 * and signed headers; SigV2 keeps the access key; anything else (Bearer tokens, malformed
 * values) becomes `REDACTED` whole. Built from what a strict pattern matched, never by cutting
 * the secret out, so a value it does not understand cannot leak.
 */
export function redactAuthorization(value: string): string {
  const v = value.trim();
  // A client signs request after request with the same credential and signed headers: what
  // precedes the signature was checked by the pattern before, and a signature without white
  // space cannot change what the pattern takes (the groups lie before it).
  const sig = v.lastIndexOf('Signature=') + 10;
  if (sig > 10) {
    const head = v.slice(0, sig);
    const known = checkedHeads.get(head);
    if (known !== undefined && !/\s/.test(v.slice(sig))) return known;
  }
  const v4 = SIGV4.exec(v);
  if (v4 && SCOPE.test(v4[1]!)) {
    const out = `AWS4-HMAC-SHA256 Credential=${v4[1]}, SignedHeaders=${v4[2]}, Signature=${REDACTED}`;
    if (sig > 10) remember(checkedHeads, v.slice(0, sig), out);
    return out;
  }
  const v2 = SIGV2.exec(v);
  if (v2 && ACCESS_KEY.test(v2[1]!)) return `AWS ${v2[1]}:${REDACTED}`;
  return REDACTED;
}

/** SigV4 Authorization values up to `Signature=` that matched, and their redacted form. */
const checkedHeads = new Map<string, string>();
/** X-Amz-Credential values that are well-formed scopes. */
const checkedScopes = new Set<string>();

/** Memos are bounded: once full, they start over (names and values come from clients). */
const MEMO_SIZE = 1024;

function remember(m: Map<string, string>, k: string, v: string): void {
  if (m.size >= MEMO_SIZE) m.clear();
  m.set(k, v);
}

function redactCredential(value: string): string {
  if (checkedScopes.has(value)) return value;
  if (!SCOPE.test(value)) return REDACTED;
  if (checkedScopes.size >= MEMO_SIZE) checkedScopes.clear();
  checkedScopes.add(value);
  return value;
}

/** One header or parameter value, redacted according to its name. */
export function redactValue(name: string, value: string): string {
  switch (kindOf(name)) {
    case Kind.Plain:
      return value;
    case Kind.Secret:
      return REDACTED;
    case Kind.Authorization:
      return redactAuthorization(value);
    case Kind.Credential:
      // X-Amz-Credential holds no secret (access key / date / region / service / aws4_request),
      // but only a well-formed one is kept.
      return redactCredential(value);
  }
}

/** A map of headers or parameters, redacted (a new object). */
export function redactMap(map: Readonly<Record<string, string>>): Record<string, string> {
  // A null prototype: a header or parameter named `__proto__` is kept as a field, not a prototype.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(map)) out[k] = redactValue(k, v);
  return out;
}

/**
 * The redaction applied to every audit entry, whatever its shape: every string-keyed field at any
 * depth whose name carries a secret is replaced, and Authorization is reduced to its non-secret
 * parts. Idempotent; returns a new value.
 */
export function redact<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (value === null || typeof value !== 'object') return value;
  // A plain object (V8 keeps it fast to build and to serialize, unlike a null-prototype one); a
  // field named `__proto__` is defined as an own field, never set as the prototype.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    const r =
      typeof v === 'string'
        ? redactValue(k, v)
        : v !== null && typeof v === 'object'
          ? isSecretName(k)
            ? REDACTED
            : walk(v)
          : v;
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
    else out[k] = r;
  }
  return out;
}
