import { parseXml } from '../../core/index.js';
import type { Tag } from '../../storage/index.js';
import { parseTagging } from '../handlers/tagging.js';
import type { PostFile, PostFormField } from './form.js';

/** The first value of each field, by lower-case name ("post parameters are case insensitive"). */
export function fieldMap(fields: readonly PostFormField[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of fields) {
    const lower = f.name.toLowerCase();
    if (!map.has(lower)) map.set(lower, f.value);
  }
  return map;
}

/**
 * The key, with "${filename}" replaced by the file's name: "If the browser or client provides
 * the full or partial path to the file, only the text following the last slash (/) or backslash
 * (\) is used". A file part without a filename parameter leaves the variable as it is, as S3 does.
 */
export function expandKey(key: string, file: PostFile): string {
  if (file.filename === undefined) return key;
  const name = file.filename.slice(
    Math.max(file.filename.lastIndexOf('/'), file.filename.lastIndexOf('\\')) + 1,
  );
  return key.split('${filename}').join(name);
}

/** Fields that are not request headers of PutObject (they make no condition keys or metadata). */
const NOT_HEADERS = new Set([
  'key',
  'policy',
  'file',
  'acl',
  'tagging',
  'success_action_redirect',
  'success_action_status',
  'redirect',
  'awsaccesskeyid',
  'signature',
  'x-amz-signature',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-security-token',
]);

/**
 * The fields as the headers of the PutObject they stand for ("parameters that are passed to PUT
 * through HTTP headers are instead passed as form fields"): Content-Type, Cache-Control, …,
 * x-amz-meta-*, x-amz-storage-class, the Object Lock fields; `acl` as x-amz-acl.
 */
export function fieldHeaders(fields: ReadonlyMap<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (NOT_HEADERS.has(name) || name.startsWith('x-ignore-')) continue;
    headers[name] = value;
  }
  const acl = fields.get('acl');
  if (acl !== undefined) headers['x-amz-acl'] = acl;
  return headers;
}

/** The `tagging` field: a <Tagging> document (≤ 10 tags), as PutObjectTagging takes. */
export function fieldTags(value: string | undefined): Tag[] {
  if (value === undefined || value === '') return [];
  return parseTagging(parseXml(value, 'Tagging'), 10);
}

/** The tag set as x-amz-tagging would carry it (for s3:RequestObjectTag/<key>). */
export function tagQuery(tags: readonly Tag[]): string | undefined {
  if (tags.length === 0) return undefined;
  return new URLSearchParams(tags.map((t): [string, string] => [t.key, t.value])).toString();
}
