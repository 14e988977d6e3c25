import { TesseraError } from '../../core/index.js';
import { parsePolicy } from '../../policy/index.js';
import type { MetadataStore } from '../../storage/index.js';
import { isPublicPolicy } from './is-public.js';
import { readPublicAccessBlock } from './model.js';

/**
 * BlockPublicPolicy: throws AccessDenied (AWS's answer) when the bucket blocks public policies and
 * `document` is one. A document that does not parse is left to PutBucketPolicy's validation
 * (MalformedPolicy), as AWS validates before it judges.
 */
export async function blockedPublicPolicy(
  deps: { readonly metadata: Pick<MetadataStore, 'getBucketConfig'> },
  bucket: string,
  document: string,
): Promise<void> {
  const block = await readPublicAccessBlock(deps.metadata, bucket);
  if (block?.BlockPublicPolicy !== true) return;
  let isPublic: boolean;
  try {
    isPublic = isPublicPolicy(parsePolicy(document, { kind: 'resource', bucket }));
  } catch {
    return;
  }
  if (isPublic)
    throw new TesseraError(
      'AccessDenied',
      `User is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
    );
}
