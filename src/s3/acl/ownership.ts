import { isTesseraError, TesseraError, xmlList } from '../../core/index.js';
import type { S3Deps } from '../context.js';
import type { VerifiedBody } from '../verified-body.js';
import { parseXmlBody } from '../xml-body.js';

/** S3 Object Ownership ("Controlling ownership of objects and disabling ACLs for your bucket"). */
export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;

export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

export function isObjectOwnership(value: string): value is ObjectOwnership {
  return (OBJECT_OWNERSHIPS as readonly string[]).includes(value);
}

/** CreateBucket's x-amz-object-ownership; another value is InvalidArgument. */
export function parseOwnershipHeader(value: string): ObjectOwnership {
  if (!isObjectOwnership(value))
    throw new TesseraError('InvalidArgument', 'Invalid x-amz-object-ownership header', {
      ArgumentName: 'x-amz-object-ownership',
      ArgumentValue: value,
    });
  return value;
}

/**
 * `<OwnershipControls><Rule><ObjectOwnership>…</ObjectOwnership></Rule></OwnershipControls>`:
 * exactly one rule with one of the three settings, else MalformedXML (as S3 answers).
 */
export function parseOwnershipControls(body: VerifiedBody): ObjectOwnership {
  const doc = parseXmlBody(body, 'OwnershipControls');
  const rules = xmlList(doc['Rule']);
  if (rules.length !== 1 || typeof rules[0] !== 'object' || rules[0] === null)
    throw new TesseraError('MalformedXML');
  const value = (rules[0] as Record<string, unknown>)['ObjectOwnership'];
  if (typeof value !== 'string' || !isObjectOwnership(value.trim())) throw new TesseraError('MalformedXML');
  return value.trim() as ObjectOwnership;
}

export function renderOwnershipControls(o: ObjectOwnership): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Rule><ObjectOwnership>${o}</ObjectOwnership></Rule></OwnershipControls>`
  );
}

/** The stored document of kind 'ownership-controls'. */
export function ownershipDocument(o: ObjectOwnership): string {
  return JSON.stringify({ ObjectOwnership: o });
}

/**
 * The bucket's Object Ownership; undefined when it has no ownership controls (buckets created
 * before Tessera had them, or after DeleteBucketOwnershipControls). NoSuchBucket.
 */
export async function storedOwnership(deps: S3Deps, bucket: string): Promise<ObjectOwnership | undefined> {
  const doc = await deps.metadata.getBucketConfig(bucket, 'ownership-controls');
  if (doc === undefined) return undefined;
  const value = (JSON.parse(doc) as { ObjectOwnership?: string }).ObjectOwnership ?? '';
  return isObjectOwnership(value) ? value : undefined;
}

/** The setting in effect: without ownership controls ACLs are enabled and the writer owns (ObjectWriter). */
export async function effectiveOwnership(deps: S3Deps, bucket: string): Promise<ObjectOwnership> {
  return (await storedOwnership(deps, bucket)) ?? 'ObjectWriter';
}

/** effectiveOwnership, or undefined when the bucket does not exist. */
export async function ownershipIfBucket(deps: S3Deps, bucket: string): Promise<ObjectOwnership | undefined> {
  try {
    return await effectiveOwnership(deps, bucket);
  } catch (e) {
    if (isTesseraError(e, 'NoSuchBucket')) return undefined;
    throw e;
  }
}

/** The setting a new bucket gets: the header's, else the server's default (BucketOwnerEnforced, as AWS). */
export function newBucketOwnership(deps: S3Deps, header: string | undefined): ObjectOwnership {
  return header !== undefined
    ? parseOwnershipHeader(header)
    : (deps.defaultObjectOwnership ?? 'BucketOwnerEnforced');
}
