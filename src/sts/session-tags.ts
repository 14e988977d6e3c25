import { type Principal, TesseraError } from '../core/index.js';
import type { Authorizer } from '../iam/index.js';
import { MAX_SESSION_POLICY } from './issue.js';

/**
 * Session tags (docs/sts.md "Session tags"), as AWS defines them: up to 50 key/value pairs passed
 * to AssumeRole (`Tags.member.N.Key/Value`, `TransitiveTagKeys.member.N`) or carried by a web
 * identity token's `https://aws.amazon.com/tags` claim. They become the session's
 * `aws:PrincipalTag/<key>`, overriding the role's or user's tag of the same key (keys compare
 * without regard to case); transitive ones carry over to sessions of role chaining, which may
 * not set them again.
 */
export interface SessionTags {
  /** Key → value, keys as spelled by the request (unique without regard to case). */
  readonly tags: Readonly<Record<string, string>>;
  /** The keys that are transitive (spelled as in `tags`). */
  readonly transitive: readonly string[];
}

export const NO_SESSION_TAGS: SessionTags = Object.freeze({ tags: Object.freeze({}), transitive: [] });

export const SESSION_TAG_LIMITS = Object.freeze({
  count: 50,
  key: 128,
  value: 256,
  /**
   * Bytes of keys and values the packed tags may take: AWS packs tags and the inline policy
   * together under one limit that plain-text limits do not guarantee (PackedPolicyTooLarge).
   * Here a session's share is `policy characters / 2,048 + tag bytes / 4,096`, at most 100 %.
   */
  packedBytes: 4096,
});

const KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function invalid(value: string, field: string, constraint: string): TesseraError {
  return new TesseraError(
    'ValidationError',
    `1 validation error detected: Value '${value.slice(0, 100)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

function checkKey(key: string, field: string): string {
  if (key.length < 1 || key.length > SESSION_TAG_LIMITS.key) {
    throw invalid(key, field, `Member must have length less than or equal to ${SESSION_TAG_LIMITS.key}`);
  }
  if (!KEY.test(key)) {
    throw invalid(
      key,
      field,
      'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
    );
  }
  return key;
}

function checkValue(value: string, field: string): string {
  if (value.length > SESSION_TAG_LIMITS.value) {
    throw invalid(value, field, `Member must have length less than or equal to ${SESSION_TAG_LIMITS.value}`);
  }
  if (!VALUE.test(value)) {
    throw invalid(
      value,
      field,
      'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
    );
  }
  return value;
}

function tooMany(field: string, n: number): TesseraError {
  return invalid(
    String(n),
    field,
    `Member must have length less than or equal to ${SESSION_TAG_LIMITS.count}`,
  );
}

/**
 * Checks tags and transitive keys as AWS does and builds the set: ValidationError for sizes and
 * characters, InvalidParameterValue for duplicate keys (in any case) and for transitive keys
 * that name no tag.
 */
export function sessionTagSet(
  pairs: readonly (readonly [string, string])[],
  transitive: readonly string[],
): SessionTags {
  if (pairs.length > SESSION_TAG_LIMITS.count) throw tooMany('tags', pairs.length);
  if (transitive.length > SESSION_TAG_LIMITS.count) throw tooMany('transitiveTagKeys', transitive.length);
  const byLower = new Map<string, string>();
  pairs.forEach(([k, v], i) => {
    checkKey(k, `tags.${i + 1}.member.key`);
    checkValue(v, `tags.${i + 1}.member.value`);
    if (byLower.has(k.toLowerCase())) {
      throw new TesseraError(
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    byLower.set(k.toLowerCase(), k);
  });
  const keys = new Set<string>();
  transitive.forEach((k, i) => {
    checkKey(k, `transitiveTagKeys.${i + 1}.member`);
    const spelled = byLower.get(k.toLowerCase());
    if (spelled === undefined) {
      throw new TesseraError(
        'InvalidParameterValue',
        'The specified transitive tag key must be included in the requested tags.',
      );
    }
    keys.add(spelled);
  });
  return Object.freeze({
    tags: Object.freeze(Object.fromEntries(pairs)),
    transitive: Object.freeze([...keys]),
  });
}

/** The numbered members `<prefix>N<suffix>` in order of N, bounded: more than `max` is refused. */
function numbered(
  params: URLSearchParams,
  prefix: string,
  max: number,
  field: string,
): Map<number, URLSearchParams> {
  const out = new Map<number, URLSearchParams>();
  for (const [k, v] of params) {
    if (!k.startsWith(prefix)) continue;
    const m = /^([1-9]\d{0,3})(?:\.(Key|Value))?$/.exec(k.slice(prefix.length));
    if (m === null) continue;
    const n = Number(m[1]);
    let g = out.get(n);
    if (g === undefined) {
      if (out.size >= max) throw tooMany(field, out.size + 1);
      out.set(n, (g = new URLSearchParams()));
    }
    g.set(m[2] ?? '', v);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

/** AssumeRole's `Tags.member.N.Key/Value` and `TransitiveTagKeys.member.N`, checked. */
export function requestedTags(params: URLSearchParams): SessionTags {
  const tags = numbered(params, 'Tags.member.', SESSION_TAG_LIMITS.count, 'tags');
  const pairs = [...tags.entries()].map(([n, g]): [string, string] => {
    const key = g.get('Key');
    if (key === null) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value null at 'tags.${n}.member.key' failed to satisfy constraint: Member must not be null`,
      );
    }
    return [key, g.get('Value') ?? ''];
  });
  const transitive = [
    ...numbered(params, 'TransitiveTagKeys.member.', SESSION_TAG_LIMITS.count, 'transitiveTagKeys').values(),
  ].map((g) => g.get('') ?? '');
  return sessionTagSet(pairs, transitive);
}

/**
 * The `https://aws.amazon.com/tags` claim of a verified web identity token:
 * `{ principal_tags: { <key>: [<value>] }, transitive_tag_keys: [<key>] }` (a value may also be
 * a plain string). A claim of another shape is InvalidIdentityToken.
 */
export function tagsFromClaims(claims: Readonly<Record<string, unknown>>): SessionTags {
  const claim = claims['https://aws.amazon.com/tags'];
  if (claim === undefined) return NO_SESSION_TAGS;
  const bad = () =>
    new TesseraError(
      'InvalidIdentityToken',
      'The token’s https://aws.amazon.com/tags claim is malformed: principal_tags must map keys to a value (or a list of one value) and transitive_tag_keys must list keys.',
    );
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) throw bad();
  const { principal_tags: tags, transitive_tag_keys: transitive } = claim as Record<string, unknown>;
  if (tags !== undefined && (typeof tags !== 'object' || tags === null || Array.isArray(tags))) throw bad();
  const pairs = Object.entries((tags ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => {
    const value = Array.isArray(v) && v.length === 1 ? v[0] : v;
    if (typeof value !== 'string') throw bad();
    return [k, value];
  });
  if (
    transitive !== undefined &&
    !(Array.isArray(transitive) && transitive.every((k) => typeof k === 'string'))
  )
    throw bad();
  return sessionTagSet(pairs, (transitive ?? []) as string[]);
}

/** The transitive tags a calling session passes on to the session it asks for (role chaining). */
export function inheritedTags(p: Principal): SessionTags {
  if (p.kind !== 'session' || p.sessionTags === undefined || p.transitiveTagKeys === undefined) {
    return NO_SESSION_TAGS;
  }
  const tags = p.sessionTags;
  const pairs = p.transitiveTagKeys
    .filter((k) => Object.hasOwn(tags, k))
    .map((k): [string, string] => [k, tags[k]!]);
  return Object.freeze({
    tags: Object.freeze(Object.fromEntries(pairs)),
    transitive: Object.freeze(pairs.map(([k]) => k)),
  });
}

/**
 * The tags of the session being issued: the calling session's transitive ones and the requested
 * ones. AWS: "If you pass a session tag with the same key as an inherited tag, the operation
 * fails."
 */
export function withInherited(requested: SessionTags, inherited: SessionTags): SessionTags {
  const inheritedKeys = new Set(Object.keys(inherited.tags).map((k) => k.toLowerCase()));
  if (inheritedKeys.size === 0) return requested;
  for (const k of Object.keys(requested.tags)) {
    if (inheritedKeys.has(k.toLowerCase())) {
      throw new TesseraError(
        'InvalidParameterValue',
        `The session tag ${k.slice(0, 128)} conflicts with a transitive tag of the calling session, which cannot be overridden.`,
      );
    }
  }
  const pairs = [...Object.entries(inherited.tags), ...Object.entries(requested.tags)];
  if (pairs.length > SESSION_TAG_LIMITS.count) throw tooMany('tags', pairs.length);
  return Object.freeze({
    tags: Object.freeze(Object.fromEntries(pairs)),
    transitive: Object.freeze([...inherited.transitive, ...requested.transitive]),
  });
}

export function hasTags(t: SessionTags): boolean {
  return Object.keys(t.tags).length > 0 || t.transitive.length > 0;
}

/** The condition keys a tagging request brings: aws:RequestTag/<key>, aws:TagKeys, sts:TransitiveTagKeys. */
export function requestTagContext(requested: SessionTags): Record<string, string | string[]> {
  const keys = Object.keys(requested.tags);
  if (keys.length === 0) return {};
  const out: Record<string, string | string[]> = { 'aws:TagKeys': keys };
  for (const [k, v] of Object.entries(requested.tags)) out[`aws:RequestTag/${k}`] = v;
  if (requested.transitive.length > 0) out['sts:TransitiveTagKeys'] = [...requested.transitive];
  return out;
}

/**
 * PackedPolicySize: the inline policy's and the tags' shares of the packed limit, in percent;
 * PackedPolicyTooLarge past 100 %, as AWS ("the total packed size of the session policies and
 * session tags combined was too large").
 */
export function packedPolicySize(inlinePolicy: string | undefined, t: SessionTags): number | undefined {
  const tagBytes = Object.entries(t.tags).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  if (inlinePolicy === undefined && tagBytes === 0) return undefined;
  const share = (inlinePolicy?.length ?? 0) / MAX_SESSION_POLICY + tagBytes / SESSION_TAG_LIMITS.packedBytes;
  const percent = Math.ceil(share * 100);
  if (percent > 100) {
    throw new TesseraError(
      'PackedPolicyTooLarge',
      `The request was rejected because the total packed size of the session policies and session tags combined was too large (${percent}% of the allowed size).`,
    );
  }
  return percent;
}

/**
 * AssumeRole without a role of this deployment (MinIO's fallback) with session tags: there is no
 * trust policy, so the caller's own policies must allow sts:TagSession (root may).
 */
export async function requireTagSession(
  authorizer: Authorizer,
  p: Principal,
  resource: string,
  request: Readonly<Record<string, string | string[]>>,
  requested: SessionTags,
): Promise<void> {
  if (!hasTags(requested) || p.kind === 'root') return;
  const base = authorizer.context(p, { ...request, ...requestTagContext(requested) });
  const d = await authorizer.decide(p, { action: 'sts:TagSession', resource }, base);
  if (!d.allowed) throw tagSessionDenied(p, resource);
}

export function tagSessionDenied(p: Principal, resource: string): TesseraError {
  const who = p.kind === 'anonymous' ? 'anonymous' : p.arn;
  return new TesseraError(
    'AccessDenied',
    `User: ${who} is not authorized to perform: sts:TagSession on resource: ${resource.slice(0, 2048)}`,
  );
}
