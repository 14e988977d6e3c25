import type { CorsRule } from './model.js';

/**
 * A CORS pattern with at most one `*` against a value: the text before and after the wildcard
 * must be the value's start and end (not overlapping); `*` matches any run of characters, none
 * included. Without a wildcard, the two must be equal. Case counts: callers lower-case headers.
 * @example wildcardMatch('http://*.example.com', 'http://www.example.com') // true
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/**
 * The names of Access-Control-Request-Headers, as S3 reads them: split on commas, trimmed,
 * lower-cased, empty names dropped.
 */
export function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = part.trim().toLowerCase();
    if (name !== '') names.push(name);
  }
  return names;
}

function originAllowed(rule: CorsRule, origin: string): boolean {
  return rule.allowedOrigins.some((o) => wildcardMatch(o, origin));
}

/** "Every header specified in the Access-Control-Request-Headers … must match an AllowedHeader." */
function headersAllowed(rule: CorsRule, headers: readonly string[]): boolean {
  return headers.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a.toLowerCase(), h)));
}

/**
 * "Amazon S3 … uses the first CORSRule rule that matches": the request's Origin matches one of
 * the rule's AllowedOrigin (case-sensitive), the method (the actual one, or
 * Access-Control-Request-Method of a preflight) is one of its AllowedMethod, and — preflights
 * only — every requested header matches one of its AllowedHeader (case-insensitive).
 */
export function findCorsRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  headers: readonly string[] = [],
): CorsRule | undefined {
  return rules.find(
    (r) =>
      (r.allowedMethods as readonly string[]).includes(method) &&
      originAllowed(r, origin) &&
      headersAllowed(r, headers),
  );
}

/** "Origin, Access-Control-Request-Headers, Access-Control-Request-Method", as S3 sends it. */
export const CORS_VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * The response headers of a matched rule, in S3's order. A rule that allows the origin `*`
 * answers `Access-Control-Allow-Origin: *` and no Allow-Credentials; otherwise the request's
 * origin and `Access-Control-Allow-Credentials: true`. Allow-Headers lists the requested names
 * (preflights), Expose-Headers and Max-Age come when the rule has them.
 */
export function corsResponseHeaders(
  rule: CorsRule,
  origin: string,
  headers: readonly string[] = [],
): Record<string, string> {
  const any = rule.allowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
  };
  if (headers.length > 0) out['access-control-allow-headers'] = headers.join(', ');
  if (rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  if (!any) out['access-control-allow-credentials'] = 'true';
  out['vary'] = CORS_VARY;
  return out;
}
