import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { S3Response } from '../s3/index.js';

/** A header value byte ≥ 0x80 (header strings are Latin-1: one character per byte). */
const HIGH_BYTE = /[\x80-\xff]/;

/**
 * Header values go out byte for byte as stored (Latin-1 strings). `res.end(body)` breaks that when
 * a value has bytes ≥ 0x80: with a string body node writes the header block together with the body
 * as UTF-8 (each such byte doubled into two), and with a Buffer body it re-decodes
 * Content-Disposition as UTF-8 (node#46528). `res.write(buffer)` then `res.end()` sends the header
 * block as Latin-1 and keeps Content-Length framing; it is used only when a value needs it.
 */
export async function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: S3Response,
): Promise<void> {
  try {
    res.statusCode = response.status;
    let highBytes = false;
    for (const [k, v] of Object.entries(response.headers)) {
      res.setHeader(k, v);
      if (typeof v === 'string' && !highBytes) highBytes = HIGH_BYTE.test(v);
    }
    const body = response.body;
    if (body === undefined || req.method === 'HEAD') {
      if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) body.destroy();
      res.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      if (highBytes) {
        res.write(typeof body === 'string' ? Buffer.from(body) : body);
        res.end();
      } else res.end(body);
    } else {
      await streamTo(body, res);
    }
  } finally {
    await response.cleanup?.();
  }
}

/**
 * Streams a body into the response (plain pipe: stream/promises' pipeline costs an
 * AbortController and extra ticks per request). Resolves when the response closes, however.
 */
function streamTo(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    body.once('error', (e) => {
      // Headers are gone: the only honest signal left is a cut connection.
      res.destroy(e);
    });
    res.once('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}
