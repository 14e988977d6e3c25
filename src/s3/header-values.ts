import { isXmlText, TesseraError } from '../core/index.js';

/**
 * What a response header value may hold (RFC 9110 field-value, as node:http enforces it): tab,
 * visible ASCII and obs-text 0x80–0xFF, which travels as Latin-1. Anything else — control
 * characters, CR/LF, DEL, characters beyond U+00FF — node refuses to send (and would be a 500).
 */
const NOT_HEADER_SAFE = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 9110 token: what a header name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isHeaderValue(value: string): boolean {
  return !NOT_HEADER_SAFE.test(value);
}

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * A response-* override becomes a response header verbatim, so it must be one. AWS answers a
 * value outside ISO-8859-1 with 400 InvalidArgument "Header value cannot be represented using
 * ISO-8859-1." naming the parameter; control characters are refused the same way.
 */
export function assertOverrideValue(param: string, value: string): void {
  if (isHeaderValue(value)) return;
  const latin1 = [...value].every((c) => c.codePointAt(0)! <= 0xff);
  const detail: Record<string, string> = { ArgumentName: param };
  if (isXmlText(value)) detail['ArgumentValue'] = value;
  throw new TesseraError(
    'InvalidArgument',
    latin1
      ? 'Header value contains a character that is not allowed in HTTP headers.'
      : 'Header value cannot be represented using ISO-8859-1.',
    detail,
  );
}
