import type { ConditionBlock, PolicyDocument, PrincipalSpec } from './types.js';

/** Condition keys that pin a grant to specific callers or networks: such a statement is not public. */
const RESTRICTING_KEYS: ReadonlySet<string> = new Set([
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  'aws:username',
]);

function isEveryone(principal: PrincipalSpec | undefined): boolean {
  if (principal === '*') return true;
  return principal?.['AWS']?.includes('*') ?? false;
}

function restricts(condition: ConditionBlock | undefined): boolean {
  if (condition === undefined) return false;
  return Object.values(condition).some((keys) =>
    Object.keys(keys).some((k) => RESTRICTING_KEYS.has(k.toLowerCase())),
  );
}

/**
 * Whether a (parsed) bucket policy is public, as GetBucketPolicyStatus reports it: an Allow
 * statement names every principal ("*") without a condition that pins it to fixed callers or
 * networks (AWS's definition, simplified to the condition keys Tessera evaluates).
 * @example isPublicPolicy(parsePolicy(doc, { kind: 'resource', bucket })) // → true for Principal "*"
 */
export function isPublicPolicy(doc: PolicyDocument): boolean {
  return doc.Statement.some(
    (s) => s.Effect === 'Allow' && isEveryone(s.Principal) && !restricts(s.Condition),
  );
}
