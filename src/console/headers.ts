import type { ServerResponse } from 'node:http';

/** The page loads only its own bundled script, styles, images and fonts, and talks only to its origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Headers on every console answer (the page, its assets, the API and the relays). */
export function securityHeaders(res: ServerResponse, api: boolean): void {
  // The API's answers (objects relayed from buckets included) never run as a page of this origin.
  res.setHeader(
    'Content-Security-Policy',
    api ? `${CONTENT_SECURITY_POLICY}; sandbox` : CONTENT_SECURITY_POLICY,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (api) res.setHeader('Cache-Control', 'no-store');
}
