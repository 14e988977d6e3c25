import { TesseraError } from '../../core/index.js';
import type { Tag } from '../../storage/index.js';
import type { AndFilter, LifecycleFilter } from './model.js';
import { element, type Fields, long, malformed, repeated, single, text } from './xml-read.js';

/** The largest size a filter may name: S3 answers "… should be between 0 and 1099511627776000." */
export const MAX_FILTER_SIZE = 1_099_511_627_776_000;

function invalidRequest(message: string): TesseraError {
  return new TesseraError('InvalidRequest', message);
}

function parseTag(value: unknown): Tag {
  const fields = element(value, ['Key', 'Value']);
  const key = text(fields, 'Key');
  // A Tag without a Key does not validate against the schema.
  if (key === undefined || key === '') throw malformed();
  const tag = { key, value: text(fields, 'Value') ?? '' };
  if ([...tag.key].length > 128)
    throw new TesseraError('InvalidTag', 'The TagKey you have provided is invalid');
  if ([...tag.value].length > 256)
    throw new TesseraError('InvalidTag', 'The TagValue you have provided is invalid');
  return tag;
}

function checkSizes(greater: number | undefined, less: number | undefined): void {
  if (greater !== undefined && (greater < 0 || greater > MAX_FILTER_SIZE))
    throw invalidRequest(`'ObjectSizeGreaterThan' should be between 0 and ${MAX_FILTER_SIZE}.`);
  if (less !== undefined && (less < 1 || less > MAX_FILTER_SIZE))
    throw invalidRequest(`'ObjectSizeLessThan' should be between 1 and ${MAX_FILTER_SIZE}.`);
  if (greater !== undefined && less !== undefined && greater >= less)
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
}

function parseAnd(value: unknown): AndFilter {
  const fields = element(value, ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan']);
  const and: AndFilter = { tags: repeated(fields, 'Tag').map(parseTag) };
  const prefix = text(fields, 'Prefix');
  const greater = long(fields, 'ObjectSizeGreaterThan');
  const less = long(fields, 'ObjectSizeLessThan');
  if (prefix !== undefined) and.prefix = prefix;
  if (greater !== undefined) and.sizeGreaterThan = greater;
  if (less !== undefined) and.sizeLessThan = less;
  // "… to apply a logical AND to two or more predicates."
  const predicates =
    (prefix === undefined ? 0 : 1) +
    and.tags.length +
    (greater === undefined ? 0 : 1) +
    (less === undefined ? 0 : 1);
  if (predicates < 2) throw malformed();
  const keys = new Set<string>();
  for (const t of and.tags) {
    if (keys.has(t.key)) throw invalidRequest('Duplicate Tag Keys are not allowed.');
    keys.add(t.key);
  }
  checkSizes(greater, less);
  return and;
}

/**
 * A rule's Filter: "A Filter can have exactly one of Prefix, Tag, ObjectSizeGreaterThan,
 * ObjectSizeLessThan, or And specified. If the Filter element is left empty, the Lifecycle Rule
 * applies to all objects in the bucket." More than one is MalformedXML.
 */
export function parseFilter(value: unknown): LifecycleFilter {
  const fields: Fields = element(value, [
    'Prefix',
    'Tag',
    'ObjectSizeGreaterThan',
    'ObjectSizeLessThan',
    'And',
  ]);
  const present = Object.keys(fields);
  if (present.length > 1) throw malformed();
  const only = present[0];
  switch (only) {
    case undefined:
      return { kind: 'all' };
    case 'Prefix':
      return { kind: 'prefix', prefix: text(fields, 'Prefix') ?? '' };
    case 'Tag':
      return { kind: 'tag', tag: parseTag(single(fields, 'Tag')) };
    case 'ObjectSizeGreaterThan': {
      const size = long(fields, only)!;
      checkSizes(size, undefined);
      return { kind: 'sizeGreaterThan', size };
    }
    case 'ObjectSizeLessThan': {
      const size = long(fields, only)!;
      checkSizes(undefined, size);
      return { kind: 'sizeLessThan', size };
    }
    default:
      return { kind: 'and', and: parseAnd(single(fields, 'And')) };
  }
}
