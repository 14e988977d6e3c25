import { TesseraError } from '../core/index.js';

/**
 * AWS IAM's input rules. Every name check throws InvalidInput (AWS's ValidationError family)
 * naming the field, so the IAM API can answer with the reason.
 */

// AWS: "This parameter allows … upper and lowercase alphanumeric characters with no spaces. You
// can also include any of the following characters: _+=,.@-" (UserName 1-64, GroupName and
// PolicyName 1-128).
const IAM_NAME = /^[\w+=,.@-]+$/;

function check(field: string, value: string, max: number, pattern: RegExp = IAM_NAME): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max || !pattern.test(value)) {
    throw new TesseraError(
      'InvalidInput',
      `${field} must be 1 to ${max} characters of letters, digits and _+=,.@- (got ${JSON.stringify(String(value).slice(0, 80))}).`,
    );
  }
  return value;
}

/** UserName: `[\w+=,.@-]{1,64}`. */
export function validateUserName(name: string): string {
  return check('UserName', name, 64);
}

/** GroupName: `[\w+=,.@-]{1,128}` (AWS allows 128 for groups). */
export function validateGroupName(name: string): string {
  return check('GroupName', name, 128);
}

/** PolicyName (managed and inline): `[\w+=,.@-]{1,128}`. */
export function validatePolicyName(name: string): string {
  return check('PolicyName', name, 128);
}

/** A policy version id: `v` followed by digits (AWS: `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`). */
export function validateVersionId(id: string): string {
  if (!/^v[1-9][0-9]*$/.test(id))
    throw new TesseraError('InvalidInput', `VersionId ${JSON.stringify(id)} is not valid.`);
  return id;
}

/**
 * A chosen access key: 3 to 128 characters of letters, digits and _+.@- (no '/' or '=' or ',',
 * which SigV2/SigV4 credential parsing reserves). Generated keys are 20 characters.
 */
export function validateAccessKey(key: string): string {
  return check('AccessKeyId', key, 128, /^[\w+.@-]{3,}$/);
}

/** A chosen secret: 8 to 128 printable ASCII characters (MinIO: at least 8). */
export function validateSecretKey(secret: string): string {
  if (typeof secret !== 'string' || !/^[\x21-\x7e]{8,128}$/.test(secret)) {
    // Never echo the secret.
    throw new TesseraError('InvalidInput', 'SecretAccessKey must be 8 to 128 printable ASCII characters.');
  }
  return secret;
}

/** AWS tags: key 1-128 and value 0-256 characters of letters, digits, spaces and _.:/=+-@. */
export function validateTags(tags: readonly { key: string; value: string }[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(t.key) || t.key.startsWith('aws:')) {
      throw new TesseraError('InvalidInput', `Tag key ${JSON.stringify(t.key.slice(0, 130))} is not valid.`);
    }
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(t.value)) {
      throw new TesseraError('InvalidInput', `The value of tag ${JSON.stringify(t.key)} is not valid.`);
    }
    const lower = t.key.toLowerCase();
    if (seen.has(lower))
      throw new TesseraError('InvalidInput', `Duplicate tag key ${JSON.stringify(t.key)}.`);
    seen.add(lower);
  }
}

/** Service account name (≤ 32) and description (≤ 256), as MinIO limits them. */
export function validateServiceAccountInfo(info: {
  name?: string | null;
  description?: string | null;
}): void {
  if (info.name != null && !/^[\w+=,.@ -]{1,32}$/.test(info.name)) {
    throw new TesseraError(
      'InvalidInput',
      'A service account name must be 1 to 32 characters of letters, digits and _+=,.@- or space.',
    );
  }
  if (info.description != null && (info.description.length > 256 || /[\x00-\x1f]/.test(info.description))) {
    throw new TesseraError(
      'InvalidInput',
      'A service account description must be at most 256 characters, without control characters.',
    );
  }
}
