import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Request headers the S3 relay passes on (besides x-amz-*): what uploads, ranges and conditions need. */
const REQUEST = new Set([
  'content-type',
  'content-md5',
  'content-length',
  'content-disposition',
  'content-language',
  'content-encoding',
  'cache-control',
  'expires',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
]);

/** x-amz-* headers the relay never passes: the relay signs, the browser does not. */
const SIGNING =
  /^x-amz-(date|content-sha256|security-token|credential|signature|algorithm|signedheaders|expires)$/;

/** Response headers the relays pass back. */
const RESPONSE = new Set([
  'content-type',
  'content-length',
  'etag',
  'last-modified',
  'content-range',
  'accept-ranges',
  'content-disposition',
  'content-language',
  'content-encoding',
  'expires',
]);

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The browser's headers that the S3 API may see (lower-case names). */
export function forwardedRequestHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    const v = one(value);
    if (v === undefined) continue;
    if (REQUEST.has(name) || (name.startsWith('x-amz-') && !SIGNING.test(name))) out[name] = v;
  }
  return out;
}

/** `<browser's User-Agent> tessera-console`: the audit trail shows both. */
export function userAgent(req: IncomingMessage): string {
  const ua = req.headers['user-agent'];
  return ua === undefined || ua === '' ? 'tessera-console' : `${ua} tessera-console`;
}

/** Copies the listener's status and useful headers onto the console's answer. */
export function passResponseHead(from: IncomingMessage, to: ServerResponse): void {
  to.statusCode = from.statusCode ?? 502;
  for (const [name, value] of Object.entries(from.headers)) {
    if (value === undefined) continue;
    if (RESPONSE.has(name) || name.startsWith('x-amz-')) to.setHeader(name, value);
    // The object's Cache-Control is metadata for the page; the answer itself stays no-store (a
    // signed-in answer must not outlive the session in the browser's cache).
    else if (name === 'cache-control') to.setHeader('x-tessera-object-cache-control', value);
  }
}
