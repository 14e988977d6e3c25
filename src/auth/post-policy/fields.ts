import { TesseraError } from '../../core/index.js';

/**
 * The form fields of a POST Object request that authentication reads, by lower-case name ("post
 * parameters are case insensitive"): the first value of each name, fields after `file` left out.
 */
export type PostFields = ReadonlyMap<string, string>;

/** How a form proves who sent it: SigV4 fields, SigV2 fields, or none (anonymous). */
export type PostSignatureKind = 'v4' | 'v2' | 'anonymous';

/** The SigV4 fields, in the order S3 names the first one missing, with the spelling it uses. */
const V4_FIELDS: readonly [string, string][] = [
  ['x-amz-algorithm', 'X-Amz-Algorithm'],
  ['x-amz-credential', 'X-Amz-Credential'],
  ['x-amz-date', 'X-Amz-Date'],
  ['x-amz-signature', 'X-Amz-Signature'],
  ['policy', 'Policy'],
];

const V2_FIELDS: readonly [string, string][] = [
  ['awsaccesskeyid', 'AWSAccessKeyId'],
  ['signature', 'Signature'],
  ['policy', 'Policy'],
];

/**
 * S3's answer to a field the form needs and lacks (two spaces after the first period, as S3
 * writes it; the field may have been sent after `file`, where it is ignored).
 */
export function missingField(name: string): TesseraError {
  return new TesseraError(
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
  );
}

function complete(fields: PostFields, set: readonly [string, string][]): boolean {
  // The policy alone signs nothing: it does not make a form signed.
  if (!set.some(([name]) => name !== 'policy' && fields.has(name))) return false;
  for (const [name, spelled] of set) if (!fields.has(name)) throw missingField(spelled);
  return true;
}

/**
 * Which signature the form carries. Any SigV4 field asks for all of them (and the policy), any
 * SigV2 field likewise; none of them is an anonymous upload.
 * Throws InvalidArgument naming the first field missing.
 * @example postSignatureKind(new Map([['key', 'a'], ['policy', '…']])) // 'anonymous'
 */
export function postSignatureKind(fields: PostFields): PostSignatureKind {
  if (complete(fields, V4_FIELDS)) return 'v4';
  if (complete(fields, V2_FIELDS)) return 'v2';
  return 'anonymous';
}
