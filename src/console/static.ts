import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendError } from './respond.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Where the built page is: TESSERA_CONSOLE_ASSETS, else `<build>/console` beside `<build>/src`
 * (this module is `<build>/src/console/static.js`).
 */
export function assetsDir(env: Record<string, string | undefined> = process.env): string {
  const set = env.TESSERA_CONSOLE_ASSETS;
  if (set !== undefined && set !== '') return resolve(set);
  return fileURLToPath(new URL('../../console/', import.meta.url));
}

/** The file under `root` a URL path names, or undefined (outside it, hidden, or not a file). */
function fileOf(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /(^|\/)\.\.?(\/|$)/.test(decoded)) return undefined;
  if (decoded.split('/').some((s) => s.startsWith('.'))) return undefined;
  const file = resolve(join(root, decoded));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The single-page app: `/` (and `/index.html`) is index.html, never cached; `/assets/…` are
 * Vite's content-hashed files, cached for a year; other files of the build (favicon, …) an hour;
 * everything else 404. GET and HEAD only.
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'MethodNotAllowed', 'The page is read with GET.');
    return;
  }
  const index = path === '/' || path === '/index.html';
  const file = index ? join(root, 'index.html') : fileOf(root, path);
  if (file === undefined || !existsSync(file)) {
    sendError(res, 404, 'NotFound', index ? 'The console page is not built (npm run build).' : 'Not found.');
    return;
  }
  const size = statSync(file).size;
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', size);
  res.setHeader(
    'Cache-Control',
    index
      ? 'no-cache'
      : path.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'public, max-age=3600',
  );
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
