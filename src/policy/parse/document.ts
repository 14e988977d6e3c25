import { PolicyError } from '../errors.js';
import type { PolicyDocument, PolicyKind, Statement } from '../types.js';
import { checkTextDepth, checkValueDepth, fail, isObject, minifiedSize, onlyFields } from './json.js';
import { parseStatement } from './statement.js';

/** Size limits in bytes (whitespace outside strings not counted), per kind. */
export const defaultLimits: Readonly<Record<PolicyKind, number>> = {
  identity: 20 * 1024,
  resource: 20 * 1024,
  session: 2048,
  serviceAccount: 4096,
  /** AWS: role trust policy length, 2,048 characters by default (a quota that rises to 4,096). */
  trust: 4096,
};

/** Options for parsePolicy. */
export interface ParseOptions {
  /** How the document will be attached; default `identity`. */
  readonly kind?: PolicyKind;
  /** Overrides the size limit of the kind. */
  readonly maxBytes?: number;
  /** For bucket policies: the bucket the policy is attached to (Resources must name it). */
  readonly bucket?: string;
}

/**
 * Parses and validates a policy document (JSON text or an already-parsed value) into its
 * normalised form. Throws PolicyError naming the JSON path and the rule.
 * @example parsePolicy('{"Version":"2012-10-17","Statement":[...]}', { kind: 'session' })
 */
export function parsePolicy(input: string | object, opts: ParseOptions = {}): PolicyDocument {
  const kind = opts.kind ?? 'identity';
  const max = opts.maxBytes ?? defaultLimits[kind];
  const code = kind === 'resource' ? 'MalformedPolicy' : 'MalformedPolicyDocument';
  let value: unknown = input;
  if (typeof input === 'string') {
    // Guard before parsing: even pretty-printed, a document this large cannot fit.
    if (input.length > max * 8 + 65536)
      throw new PolicyError('', `policy exceeds ${max} bytes`, 'LimitExceeded');
    checkTextDepth(input, code);
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new PolicyError('', `not valid JSON (${(e as Error).message})`, code);
    }
  }
  if (!isObject(value)) throw new PolicyError('', 'must be a JSON object', code);
  if (typeof input !== 'string') checkValueDepth(value, code);
  const size = minifiedSize(value);
  if (size > max)
    throw new PolicyError('', `policy is ${size} bytes, over the ${max}-byte limit`, 'LimitExceeded');
  try {
    return parseDocument(value, kind, opts.bucket);
  } catch (e) {
    if (e instanceof PolicyError && e.code === 'MalformedPolicyDocument' && code === 'MalformedPolicy') {
      throw new PolicyError(e.path, e.rule, code);
    }
    throw e;
  }
}

function parseDocument(v: Record<string, unknown>, kind: PolicyKind, bucket?: string): PolicyDocument {
  onlyFields(v, ['Version', 'Id', 'Statement'], '');
  if (v.Version !== undefined && v.Version !== '2012-10-17' && v.Version !== '2008-10-17') {
    fail('Version', 'must be "2012-10-17" or "2008-10-17"');
  }
  if (v.Id !== undefined && typeof v.Id !== 'string') fail('Id', 'must be a string');
  if (v.Statement === undefined) fail('Statement', 'is required');
  const raw = Array.isArray(v.Statement) ? v.Statement : [v.Statement];
  // Policy variables exist only in Version 2012-10-17; before, `${…}` is literal text.
  const variables = v.Version === '2012-10-17';
  const seen = new Map<string, number>();
  const statements: Statement[] = raw.map((s, i) => {
    const path = Array.isArray(v.Statement) ? `Statement[${i}]` : 'Statement';
    const st = parseStatement(
      s,
      path,
      bucket === undefined ? { kind, variables } : { kind, variables, bucket },
    );
    if (st.Sid !== undefined && st.Sid !== '') {
      if (seen.has(st.Sid)) fail(`${path}.Sid`, `duplicate Sid "${st.Sid}"`);
      seen.set(st.Sid, i);
    }
    return st;
  });
  const doc: { Version?: '2012-10-17' | '2008-10-17'; Id?: string; Statement: Statement[] } = {
    Statement: statements,
  };
  if (v.Version !== undefined) doc.Version = v.Version as '2012-10-17' | '2008-10-17';
  if (v.Id !== undefined) doc.Id = v.Id as string;
  return doc;
}
