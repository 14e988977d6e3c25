import { type ActionInfo, expandActionPattern } from '../actions/catalog.js';
import { PolicyError } from '../errors.js';
import { isKnownKey } from '../keys.js';
import type { PolicyKind, Statement } from '../types.js';
import { parseTemplate } from '../variables.js';
import { globMatch } from '../wildcard.js';
import { parseCondition } from './condition.js';
import { fail, isObject, onlyFields, stringList } from './json.js';
import { parsePrincipal } from './principal.js';
import { checkResource, s3BucketPattern, s3ResourceTypes } from './resource.js';

/** A statement's fields, in the order AWS documents (and serialize writes) them. */
export const STATEMENT_FIELDS: readonly (keyof Statement)[] = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

/** What the statement parser needs to know about the document around it. */
export interface StatementOptions {
  readonly kind: PolicyKind;
  readonly variables: boolean;
  /** For bucket policies: the bucket every Resource must name. */
  readonly bucket?: string;
}

function one(
  s: Record<string, unknown>,
  a: string,
  b: string,
  path: string,
  required: boolean,
): string | undefined {
  const hasA = s[a] !== undefined;
  const hasB = s[b] !== undefined;
  if (hasA && hasB) fail(path, `${a} and ${b} cannot both be present`);
  if (required && !hasA && !hasB) fail(path, `needs ${a} or ${b}`);
  return hasA ? a : hasB ? b : undefined;
}

/** S3 rejects a bucket policy whose statement names an action no listed resource can take. */
function checkBucketPolicy(
  actions: readonly ActionInfo[],
  resources: readonly string[],
  path: string,
  bucket?: string,
): void {
  for (const [i, r] of resources.entries()) {
    const b = s3BucketPattern(r);
    if (r !== '*' && b === undefined)
      throw new PolicyError(`${path}.Resource[${i}]`, 'Policy has invalid resource', 'MalformedPolicy');
    if (bucket !== undefined && b !== undefined && !globMatch(b, bucket)) {
      throw new PolicyError(`${path}.Resource[${i}]`, 'Policy has invalid resource', 'MalformedPolicy');
    }
  }
  const types = new Set(resources.flatMap((r) => [...s3ResourceTypes(r)]));
  const applies = actions.some(
    (a) =>
      a.family !== 's3' || a.resourceType === 'account' || types.has(a.resourceType as 'bucket' | 'object'),
  );
  if (!applies)
    throw new PolicyError(path, 'Action does not apply to any resource(s) in statement', 'MalformedPolicy');
}

/** Parses and validates one statement at `path` (e.g. `Statement[2]`). */
export function parseStatement(v: unknown, path: string, opts: StatementOptions): Statement {
  if (!isObject(v)) fail(path, 'must be an object');
  onlyFields(v, STATEMENT_FIELDS, path);
  const out: Record<string, unknown> = {};
  if (v.Sid !== undefined) {
    if (typeof v.Sid !== 'string') fail(`${path}.Sid`, 'must be a string');
    out.Sid = v.Sid;
  }
  if (v.Effect !== 'Allow' && v.Effect !== 'Deny') fail(`${path}.Effect`, 'must be "Allow" or "Deny"');
  out.Effect = v.Effect;

  const principalNamed = opts.kind === 'resource' || opts.kind === 'trust';
  const principalField = one(v, 'Principal', 'NotPrincipal', path, principalNamed);
  if (principalField !== undefined) {
    if (!principalNamed) fail(`${path}.${principalField}`, `not allowed in an ${opts.kind} policy`);
    out[principalField] = parsePrincipal(v[principalField], `${path}.${principalField}`);
  }

  const actionField = one(v, 'Action', 'NotAction', path, true)!;
  const expanded: ActionInfo[] = [];
  out[actionField] = stringList(v[actionField], `${path}.${actionField}`, (s, p) => {
    const found = expandActionPattern(s);
    if (found.length === 0) fail(p, `"${s}" matches no known action`);
    expanded.push(...found);
  });
  if (opts.kind === 'resource' && expanded.some((a) => a.family !== 's3' && a.family !== 's3express')) {
    if (actionField === 'Action')
      throw new PolicyError(`${path}.Action`, 'Policy has invalid action', 'MalformedPolicy');
  }

  if (opts.kind === 'trust') {
    // A role's trust policy: who may assume it (AWS: AssumeRole*, TagSession, SetSourceIdentity).
    const trustable = /^(assumerole|tagsession|setsourceidentity|setcontext)/i;
    const bare = (a: ActionInfo) => a.name.replace(/^sts:/i, '');
    if (expanded.some((a) => a.family !== 'sts') || !expanded.some((a) => trustable.test(bare(a)))) {
      fail(
        `${path}.${actionField}`,
        'a trust policy allows only sts:AssumeRole*, sts:TagSession and sts:SetSourceIdentity',
      );
    }
    if (v.Resource !== undefined || v.NotResource !== undefined) fail(path, 'Has prohibited field Resource');
  }

  // MinIO: statements of admin:, sts: and kms: actions may leave Resource out.
  const resourceOptional =
    opts.kind !== 'resource' &&
    actionField === 'Action' &&
    expanded.every((a) => a.family === 'admin' || a.family === 'sts' || a.family === 'kms');
  const resourceField = one(v, 'Resource', 'NotResource', path, !resourceOptional);
  if (resourceField !== undefined) {
    const list = stringList(v[resourceField], `${path}.${resourceField}`, (r, p) => {
      checkResource(r, p);
      parseTemplate(r, opts.variables, true, isKnownKey, (n) => fail(p, `unknown policy variable \${${n}}`));
    });
    out[resourceField] = list;
    if (opts.kind === 'resource' && resourceField === 'Resource' && actionField === 'Action') {
      checkBucketPolicy(expanded, list, path, opts.bucket);
    }
  }

  if (v.Condition !== undefined)
    out.Condition = parseCondition(v.Condition, `${path}.Condition`, opts.variables);
  return out as unknown as Statement;
}
