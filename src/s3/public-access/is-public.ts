import { isIP } from 'node:net';
import type { ConditionBlock, PolicyDocument, PrincipalSpec, Statement } from '../../policy/index.js';

/**
 * The condition keys that can make a statement to everyone non-public (S3 User Guide, "The
 * meaning of 'public'": "a bucket policy must grant access only to fixed values … of one or more
 * of the following": principal keys such as aws:PrincipalOrgID, aws:SourceIp, aws:SourceArn,
 * aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
 * s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid, s3:DataAccessPointArn,
 * s3:DataAccessPointAccount). Lower case: condition keys are case-insensitive.
 */
export const PINNING_KEYS: ReadonlySet<string> = new Set([
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);

/**
 * Operators whose condition holds only when the key equals (or matches) one of the values: a
 * negated operator, Null, `…IfExists` (holds without the key) or `ForAllValues:` (holds for an
 * empty set) pins nothing.
 */
const PINNING_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
  'numericequals',
]);

/** "Fixed values (values that don't contain a wildcard or an … IAM Policy Variable)". */
export function isFixedValue(value: string): boolean {
  return value !== '' && !/[*?]/.test(value) && !value.includes('${');
}

/** Every principal the statement names is a fixed value (not "*", no wildcard, no variable). */
function namesFixedPrincipals(principal: PrincipalSpec | undefined): boolean {
  if (principal === undefined || principal === '*') return false;
  const values = Object.values(principal).flat();
  return values.length > 0 && values.every(isFixedValue);
}

const PRIVATE_V4: readonly (readonly [number, number, number])[] = [
  // RFC 1918: first octet, second-octet mask start, prefix length.
  [10, 0, 8],
  [172, 16, 12],
  [192, 168, 16],
];

function v4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

/** Whether an IPv4 prefix lies inside an RFC 1918 range. */
function privateV4(address: string, bits: number): boolean {
  const [a = 0, b = 0] = v4Octets(address);
  return PRIVATE_V4.some(([first, second, len]) => {
    if (bits < len || a !== first) return false;
    if (len === 8) return true;
    const mask = len === 12 ? 0xf0 : 0xff;
    return (b & mask) === second;
  });
}

/** Whether an IPv6 prefix lies inside the unique-local range fc00::/7. */
function privateV6(address: string, bits: number): boolean {
  const first = Number.parseInt(address.split(':')[0] || '0', 16);
  return bits >= 7 && (first & 0xfe00) === 0xfc00;
}

/**
 * An aws:SourceIp value narrow enough to pin access: "very broad IP ranges (for example,
 * 0.0.0.0/1) are evaluated as 'public'. This includes values broader than /8 for IPv4 and /32
 * for IPv6 (excluding RFC1918 private ranges)". A bare address is one host.
 */
export function isNarrowSourceIp(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const text = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(text)) return false;
  const bits = Number(text);
  if (family === 4) return bits <= 32 && (bits >= 8 || privateV4(address, bits));
  return bits <= 128 && (bits >= 32 || privateV6(address, bits));
}

/**
 * An s3:DataAccessPointArn value that pins access: "When used in a bucket policy, this value can
 * contain a wildcard for the access point name without rendering the policy public, as long as
 * the account ID is fixed."
 */
function isPinningAccessPointArn(value: string): boolean {
  const fields = value.split(':');
  if (fields.length < 6) return isFixedValue(value);
  const head = fields.slice(0, 5);
  return head[4] !== '' && head.every((f) => !/[*?]/.test(f) && !f.includes('${'));
}

function pins(key: string, values: readonly string[]): boolean {
  if (values.length === 0) return false;
  if (key === 's3:dataaccesspointarn') return values.every(isPinningAccessPointArn);
  if (!values.every(isFixedValue)) return false;
  return key !== 'aws:sourceip' || values.every(isNarrowSourceIp);
}

/** Whether one operator (e.g. `ForAnyValue:StringEquals`) can pin a key to its values. */
function pinningOperator(operator: string): boolean {
  const op = operator.toLowerCase();
  if (op.endsWith('ifexists') || op.startsWith('forallvalues:')) return false;
  return PINNING_OPERATORS.has(op.startsWith('foranyvalue:') ? op.slice('foranyvalue:'.length) : op);
}

/** A condition block that pins one of PINNING_KEYS to fixed values (all its conditions must hold). */
function pinsCaller(condition: ConditionBlock | undefined): boolean {
  if (condition === undefined) return false;
  return Object.entries(condition).some(
    ([operator, keys]) =>
      pinningOperator(operator) &&
      Object.entries(keys).some(([key, values]) => {
        const k = key.toLowerCase();
        return PINNING_KEYS.has(k) && pins(k, values);
      }),
  );
}

/** Whether one statement grants public access (a Deny never does; NotPrincipal grants to nearly everyone). */
export function isPublicStatement(s: Statement): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.NotPrincipal === undefined && namesFixedPrincipals(s.Principal)) return false;
  return !pinsCaller(s.Condition);
}

/**
 * Whether a (parsed) bucket policy is public as AWS defines it: "Amazon S3 begins by assuming
 * that the policy is public … To be considered non-public, a bucket policy must grant access only
 * to fixed values". Public when any Allow statement neither names only fixed principals nor has
 * a condition pinning a PINNING_KEYS key to fixed values (aws:SourceIp: no broader than /8 or /32).
 * @example isPublicPolicy(parsePolicy(text, { kind: 'resource', bucket })) // Principal "*" → true
 */
export function isPublicPolicy(doc: PolicyDocument): boolean {
  return doc.Statement.some(isPublicStatement);
}
