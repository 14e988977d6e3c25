import { expandActionPattern, isKnownKey } from '../policy/index.js';

/** A lint hint: where, and what to look at. */
export interface Finding {
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field that holds one string or a list: each item with its JSON path. */
function items(parent: Json, field: string, at: string): { value: unknown; path: string }[] {
  const v = parent[field];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((value, i) => ({ value, path: `${at}.${field}[${i}]` }));
  return [{ value: v, path: `${at}.${field}` }];
}

/** The statements of a (valid) document with their paths: `Statement[i]`, or `Statement` for a single object. */
function statements(doc: Json): { s: Json; path: string }[] {
  const v = doc.Statement;
  if (Array.isArray(v)) return v.flatMap((s, i) => (isObject(s) ? [{ s, path: `Statement[${i}]` }] : []));
  return isObject(v) ? [{ s: v, path: 'Statement' }] : [];
}

function star(parent: Json, field: string): boolean {
  const v = parent[field];
  return v === '*' || (Array.isArray(v) && v.includes('*'));
}

/**
 * Hints about a document the engine accepts (docs/console.md): unknown actions, Allow with
 * NotAction / NotResource, Allow of everything, a missing or old Version, unknown condition keys,
 * Principal in an identity policy or its absence in a resource or trust policy.
 */
export function lintPolicy(doc: Json, kind: 'identity' | 'resource' | 'trust'): Finding[] {
  const out: Finding[] = [];
  if (doc.Version === undefined)
    out.push({
      path: 'Version',
      message: 'Version is missing: 2008-10-17 applies, without policy variables; use "2012-10-17".',
    });
  else if (doc.Version === '2008-10-17')
    out.push({
      path: 'Version',
      message: 'Version 2008-10-17 does not substitute policy variables; use "2012-10-17".',
    });
  for (const { s, path } of statements(doc)) {
    const allow = s.Effect === 'Allow';
    for (const field of ['Action', 'NotAction'])
      for (const a of items(s, field, path))
        if (typeof a.value === 'string' && a.value !== '*' && expandActionPattern(a.value).length === 0)
          out.push({
            path: a.path,
            message: `${a.value} names no action Tessera knows: it matches nothing.`,
          });
    if (allow && s.NotAction !== undefined)
      out.push({
        path: `${path}.NotAction`,
        message: 'Allow with NotAction allows every other action, future ones included.',
      });
    if (allow && s.NotResource !== undefined)
      out.push({
        path: `${path}.NotResource`,
        message: 'Allow with NotResource allows every other resource.',
      });
    if (allow && star(s, 'Action') && star(s, 'Resource'))
      out.push({ path, message: 'Allows every action on every resource: full administrator access.' });
    if (isObject(s.Condition))
      for (const [op, block] of Object.entries(s.Condition))
        if (isObject(block))
          for (const key of Object.keys(block))
            if (!isKnownKey(key))
              out.push({
                path: `${path}.Condition.${op}.${key}`,
                message: `${key} is not a condition key Tessera sets: the condition never sees a value.`,
              });
    const names =
      s.Principal !== undefined ? 'Principal' : s.NotPrincipal !== undefined ? 'NotPrincipal' : undefined;
    if (kind === 'identity' && names !== undefined)
      out.push({
        path: `${path}.${names}`,
        message: `An identity policy applies to whoever it is attached to: ${names} belongs in bucket policies.`,
      });
    if (kind === 'resource' && names === undefined)
      out.push({ path, message: 'A bucket policy statement needs a Principal: whom it applies to.' });
    if (kind === 'trust' && names === undefined)
      out.push({ path, message: 'A trust policy statement needs a Principal: who may assume the role.' });
  }
  return out;
}
