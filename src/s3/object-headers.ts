import { httpDate, TesseraError } from '../core/index.js';
import type { ObjectRecord, Tag } from '../storage/index.js';
import { header, type S3Request } from './context.js';
import { assertOverrideValue, isHeaderName, isHeaderValue } from './header-values.js';
import type { OperationBase } from './operation.js';

/** Standard headers stored with an object and returned as they were given. */
export const STORED_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
];
/** "User-defined metadata … is limited to 2 KB in size" (name and value bytes). */
const MAX_USER_METADATA = 2048;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export interface ObjectMetadata {
  contentType?: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
}

/** Reads Content-Type, the stored standard headers and x-amz-meta-* from a request. */
export function metadataFromRequest(req: S3Request): ObjectMetadata {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = header(req, name);
    if (v !== undefined) headers[name] = v;
  }
  // aws-chunked is a transfer framing, not the object's encoding.
  if (headers['content-encoding'] !== undefined) {
    const rest = headers['content-encoding']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
    if (rest.length === 0) delete headers['content-encoding'];
    else headers['content-encoding'] = rest.join(',');
  }
  const userMetadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(',') : value;
    const short = name.slice('x-amz-meta-'.length);
    userMetadata[short] = v;
    size += Buffer.byteLength(short) + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA) throw new TesseraError('MetadataTooLarge');
  const meta: ObjectMetadata = { headers, userMetadata };
  const ct = header(req, 'content-type');
  if (ct !== undefined && ct !== '') meta.contentType = ct;
  return meta;
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/**
 * Headers describing an object in GET/HEAD responses (without length or range). Stored values
 * came from request headers, so they are valid header values; one that is not (a store written
 * by other means) is left out rather than failing the read with a 500.
 */
export function objectResponseHeaders(obj: ObjectRecord): Record<string, string | number> {
  const contentType =
    obj.contentType !== undefined && isHeaderValue(obj.contentType) ? obj.contentType : DEFAULT_CONTENT_TYPE;
  const h: Record<string, string | number> = {
    etag: quoteEtag(obj.etag),
    'last-modified': httpDate(obj.lastModified),
    'content-type': contentType,
    'accept-ranges': 'bytes',
  };
  for (const [k, v] of Object.entries(obj.headers)) if (isHeaderName(k) && isHeaderValue(v)) h[k] = v;
  for (const [k, v] of Object.entries(obj.userMetadata)) {
    if (isHeaderName(k) && isHeaderValue(v)) h[`x-amz-meta-${k}`] = v;
  }
  if (obj.tags.length > 0) h['x-amz-tagging-count'] = obj.tags.length;
  return h;
}

/** response-* query parameters that override response headers on GetObject. */
const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** The response-* parameters a request names (parameter → value as given), in OVERRIDES order. */
export type ResponseOverrides = Readonly<Record<string, string>>;

/** Reads the response-* parameters of a GetObject or HeadObject; they are checked when applied. */
export function parseResponseOverrides(query: URLSearchParams): { responseOverrides?: ResponseOverrides } {
  const overrides: Record<string, string> = {};
  for (const param of Object.keys(OVERRIDES)) {
    const v = query.get(param);
    if (v !== null) overrides[param] = v;
  }
  return Object.keys(overrides).length === 0 ? {} : { responseOverrides: overrides };
}

/** Applies response-* overrides to the response headers: refused for anonymous requests, values checked. */
export function applyResponseOverrides(
  req: Pick<S3Request<OperationBase & { responseOverrides?: ResponseOverrides }>, 'op' | 'anonymous'>,
  h: Record<string, string | number>,
): void {
  for (const [param, v] of Object.entries(req.op.responseOverrides ?? {})) {
    // "You must sign the request … to use these parameters. They cannot be used with an unsigned (anonymous) request."
    if (req.anonymous)
      throw new TesseraError(
        'InvalidRequest',
        'Request specific response headers cannot be used for anonymous GET requests.',
      );
    assertOverrideValue(param, v);
    h[OVERRIDES[param]!] = v;
  }
}

/** Validates a tag set as S3 does: at most `max` tags, key ≤ 128 and value ≤ 256 characters, unique keys. */
export function validateTags(tags: Tag[], max: number): void {
  if (tags.length > max) throw new TesseraError('InvalidTag', `Object tags cannot be greater than ${max}`);
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key.length === 0 || [...t.key].length > 128)
      throw new TesseraError('InvalidTag', 'The TagKey you have provided is invalid');
    if ([...t.value].length > 256)
      throw new TesseraError('InvalidTag', 'The TagValue you have provided is invalid');
    if (seen.has(t.key))
      throw new TesseraError('InvalidTag', 'Cannot provide multiple Tags with the same key');
    seen.add(t.key);
  }
}

/** Parses the x-amz-tagging header (URL query encoding: k1=v1&k2=v2). */
export function tagsFromHeader(value: string | undefined): Tag[] {
  if (value === undefined || value === '') return [];
  const tags: Tag[] = [];
  for (const [key, v] of new URLSearchParams(value)) tags.push({ key, value: v });
  validateTags(tags, 10);
  return tags;
}
