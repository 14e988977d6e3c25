import { TesseraError } from '../../core/index.js';
import { malformedPost } from './multipart.js';

/** A header value's type and parameters: `form-data; name="key"; filename="a.txt"`. */
export interface HeaderParams {
  /** Lower-cased: `form-data`, `multipart/form-data`. */
  type: string;
  /** Parameter names lower-cased; quoted values unquoted (`\"` and `\\` unescaped). */
  params: ReadonlyMap<string, string>;
}

/**
 * Parses `type; name=value; name="quoted value"`. Browsers write `"` in names and filenames as
 * %22 and send backslashes as they are (WHATWG HTML "multipart/form-data encoding"); other
 * clients escape `"` as `\"`. Returns undefined when the value is not of that shape.
 */
export function parseHeaderParams(value: string): HeaderParams | undefined {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params = new Map<string, string>();
  let i = semi < 0 ? value.length : semi + 1;
  while (i < value.length) {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t' || value[i] === ';')) i++;
    if (i >= value.length) break;
    const eq = value.indexOf('=', i);
    if (eq < 0) return undefined;
    const name = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let v = '';
    if (value[i] === '"') {
      i++;
      let closed = false;
      while (i < value.length) {
        const c = value[i]!;
        if (c === '\\' && (value[i + 1] === '"' || value[i + 1] === '\\')) {
          v += value[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          v += c;
          i++;
        }
      }
      if (!closed) return undefined;
    } else {
      const end = value.indexOf(';', i);
      v = (end < 0 ? value.slice(i) : value.slice(i, end)).trim();
      i = end < 0 ? value.length : end;
    }
    if (name !== '' && !params.has(name)) params.set(name, v);
  }
  return { type, params };
}

/**
 * The boundary of a POST Object body. Not multipart/form-data: 412 PreconditionFailed, "Bucket
 * POST must be of the enclosure-type multipart/form-data", as S3 answers; no usable boundary
 * (RFC 2046: 1 to 70 characters): 400 MalformedPOSTRequest.
 */
export function formBoundary(contentType: string | undefined): string {
  const parsed = contentType === undefined ? undefined : parseHeaderParams(contentType);
  if (parsed?.type !== 'multipart/form-data')
    throw new TesseraError('PreconditionFailed', undefined, {
      Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
    });
  const boundary = parsed.params.get('boundary');
  if (boundary === undefined || boundary.length < 1 || boundary.length > 70 || /[\r\n]/.test(boundary))
    throw malformedPost();
  return boundary;
}
