import { renderXml } from '../../core/index.js';
import type { PublicAccessBlock } from './model.js';

/** GetPublicAccessBlock's body: all four settings, as AWS answers it. */
export function renderPublicAccessBlock(b: PublicAccessBlock): string {
  return renderXml('PublicAccessBlockConfiguration', {
    BlockPublicAcls: b.BlockPublicAcls,
    IgnorePublicAcls: b.IgnorePublicAcls,
    BlockPublicPolicy: b.BlockPublicPolicy,
    RestrictPublicBuckets: b.RestrictPublicBuckets,
  });
}
