import { TesseraError } from '../../core/index.js';
import type { PostFormField } from './form.js';
import type { FieldCondition, PostPolicy } from './policy.js';

/** What a policy is checked against: the bucket posted to, the key (after ${filename}), the fields. */
export interface PolicySubject {
  readonly bucket: string;
  readonly key: string;
  readonly fields: readonly PostFormField[];
}

/** The file sizes a policy allows, inclusive. */
export interface LengthRange {
  readonly min: number;
  readonly max: number;
}

function denied(detail: string): TesseraError {
  return new TesseraError('AccessDenied', `Invalid according to Policy: ${detail}`);
}

/**
 * "Each form field that you specify in a form (except x-amz-signature, file, policy, and field
 * names that have an x-ignore- prefix) must appear in the list of conditions" (SigV2 also
 * exempts AWSAccessKeyId and signature).
 */
function exempt(lower: string): boolean {
  return (
    lower === 'x-amz-signature' ||
    lower === 'signature' ||
    lower === 'awsaccesskeyid' ||
    lower === 'file' ||
    lower === 'policy' ||
    lower.startsWith('x-ignore-')
  );
}

/** The value a condition tests: the bucket is the one posted to, the key the expanded key. */
function testedValue(subject: PolicySubject, field: string): string | undefined {
  if (field === 'bucket') return subject.bucket;
  if (field === 'key') return subject.key;
  return subject.fields.find((f) => f.name.toLowerCase() === field)?.value;
}

function holds(c: FieldCondition, subject: PolicySubject): boolean {
  if (c.field === undefined) return false;
  // A condition on a field the form lacks fails, `starts-with ""` too (as S3 answers).
  const value = testedValue(subject, c.field);
  if (value === undefined) return false;
  return c.op === 'eq' ? value === c.value : value.startsWith(c.value);
}

/**
 * Checks a form against its policy: not expired ("Policy expired."), every condition holds
 * ("Policy Condition failed: [...]" with the condition as S3 prints it), every field but the
 * exempt ones named by a condition ("Extra input fields: <name as sent>"), all 403 AccessDenied.
 * Returns the sizes content-length-range allows (checked while the file streams).
 * @example checkPostPolicy(parsePostPolicy(b64), { bucket, key, fields }, Date.now())
 */
export function checkPostPolicy(policy: PostPolicy, subject: PolicySubject, now: number): LengthRange {
  if (policy.expiration <= now) throw denied('Policy expired.');
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  const covered = new Set<string>();
  for (const c of policy.conditions) {
    if (c.op === 'content-length-range') {
      if (c.min === undefined || c.max === undefined) throw denied(`Policy Condition failed: ${c.text}`);
      min = Math.max(min, c.min);
      max = Math.min(max, c.max);
      continue;
    }
    if (!holds(c, subject)) throw denied(`Policy Condition failed: ${c.text}`);
    covered.add(c.field!);
  }
  const extra: string[] = [];
  for (const f of subject.fields) {
    const lower = f.name.toLowerCase();
    if (!exempt(lower) && !covered.has(lower) && !extra.includes(f.name)) extra.push(f.name);
  }
  if (extra.length > 0) throw denied(`Extra input fields: ${extra.join(', ')}`);
  return { min, max };
}
