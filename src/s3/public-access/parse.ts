import { TesseraError } from '../../core/index.js';
import { PUBLIC_ACCESS_BLOCK_FIELDS, type PublicAccessBlock } from './model.js';

const malformed = () => new TesseraError('MalformedXML');

/** xs:boolean as S3's schema takes it: true/false or 1/0 (surrounding space allowed). */
function bool(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'string') throw malformed();
  switch (value.trim()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw malformed();
  }
}

/**
 * A parsed `<PublicAccessBlockConfiguration>` (core/xml.ts's shape): each of the four elements
 * optional ("Required: No", absent = false), at most once; anything else is MalformedXML.
 * @example parsePublicAccessBlock({ BlockPublicPolicy: 'true' }).BlockPublicPolicy // → true
 */
export function parsePublicAccessBlock(doc: unknown): PublicAccessBlock {
  if (doc === '') doc = {};
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed();
  const fields = doc as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!(PUBLIC_ACCESS_BLOCK_FIELDS as readonly string[]).includes(name)) throw malformed();
    if (Array.isArray(fields[name])) throw malformed();
  }
  return {
    BlockPublicAcls: bool(fields['BlockPublicAcls']),
    IgnorePublicAcls: bool(fields['IgnorePublicAcls']),
    BlockPublicPolicy: bool(fields['BlockPublicPolicy']),
    RestrictPublicBuckets: bool(fields['RestrictPublicBuckets']),
  };
}
