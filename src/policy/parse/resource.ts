import { splitArn } from '../conditions/arn.js';
import { hasWildcard } from '../wildcard.js';
import { fail } from './json.js';

const partitions = new Set(['aws', 'minio']);

/**
 * Checks a Resource entry: `*` or `arn:partition:service:region:account:resource` with
 * partition `aws` or `minio` (e.g. `arn:aws:s3:::bucket/key*`, `arn:minio:kms:::key`,
 * `arn:aws:iam::123456789012:user/alice`). Wildcards are allowed anywhere.
 */
export function checkResource(r: string, path: string): void {
  if (r === '*') return;
  const parts = splitArn(r);
  if (parts === undefined || parts[0] !== 'arn') {
    fail(path, 'must be "*" or an ARN (arn:partition:service:region:account:resource)');
  }
  const [, partition, service, , , rest] = parts;
  if (!partitions.has(partition!) && !hasWildcard(partition!))
    fail(path, `unknown ARN partition "${partition}"`);
  if (service === '') fail(path, 'ARN needs a service');
  if (rest === '') fail(path, 'ARN needs a resource');
}

/** The resource types (`bucket`, `object`) an S3 resource pattern can name. */
export function s3ResourceTypes(r: string): Set<'bucket' | 'object'> {
  if (r === '*') return new Set(['bucket', 'object']);
  const parts = splitArn(r);
  if (parts === undefined || parts[2] !== 's3') return new Set();
  const rest = parts[5]!;
  const slash = rest.indexOf('/');
  if (slash >= 0) return new Set(['object']);
  return rest.includes('*') ? new Set(['bucket', 'object']) : new Set(['bucket']);
}

/** The bucket part of an `arn:aws:s3:::bucket/…` pattern, or undefined for other ARNs. */
export function s3BucketPattern(r: string): string | undefined {
  const parts = splitArn(r);
  if (parts === undefined || parts[1] !== 'aws' || parts[2] !== 's3') return undefined;
  const rest = parts[5]!;
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}
