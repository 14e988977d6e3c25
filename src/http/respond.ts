import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { S3Response } from '../s3/index.js';

/** A header value byte ≥ 0x80 (header strings are Latin-1: one character per byte). */
const HIGH_BYTE = /[\x80-\xff]/;

/** Where the time the response head is written goes (the audit's timeToFirstByte). */
export interface HeadMark {
  headAt?: number;
}

/** Notes now as the head's time, unless it was noted before. */
export function markHead(mark: HeadMark | undefined): void {
  if (mark !== undefined) mark.headAt ??= performance.now();
}

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
  mark?: HeadMark,
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
      markHead(mark);
      res.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      markHead(mark);
      if (highBytes) {
        res.write(typeof body === 'string' ? Buffer.from(body) : body);
        res.end();
      } else res.end(body);
    } else {
      await streamTo(body, res, mark);
    }
  } finally {
    await response.cleanup?.();
  }
}

/**
 * Streams a body into the response (plain pipe: stream/promises' pipeline costs an
 * AbortController and extra ticks per request). Resolves when the response closes, however.
 */
function streamTo(body: Readable, res: ServerResponse, mark: HeadMark | undefined): Promise<void> {
  if (isChunked(body)) return writeChunks(body, res, mark);
  return new Promise((resolve) => {
    // The head goes out with the first chunk (or with end() for an empty body).
    if (mark !== undefined) {
      body.once('data', () => markHead(mark));
      body.once('end', () => markHead(mark));
    }
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

/** A chunk of a chunked body; its buffer may be reused for another response once released. */
interface Chunk {
  readonly bytes: Buffer;
  release(): void;
}

/** A body that gives out its bytes chunk by chunk in reusable buffers (S3 object bodies). */
interface ChunkedBody {
  nextChunk(): Promise<Chunk | undefined>;
}

function isChunked(body: Readable): body is Readable & ChunkedBody {
  return typeof (body as Readable & Partial<ChunkedBody>).nextChunk === 'function';
}

/**
 * Writes a chunked body with one res.write per chunk, releasing each chunk from that write's
 * callback — once the socket has handed the bytes to the kernel (or dropped them, destroyed),
 * never while node or the kernel may still read the buffer. The next chunk is read while the
 * previous one drains; no more is written until 'drain' (backpressure). The head goes out in
 * the same writev as the first chunk (cork). A body error cuts the connection, as above; a
 * response closed early destroys the body, and the chunk then in flight is released.
 */
async function writeChunks(
  body: Readable & ChunkedBody,
  res: ServerResponse,
  mark: HeadMark | undefined,
): Promise<void> {
  const closed = res.closed ? Promise.resolve() : new Promise<void>((resolve) => res.once('close', resolve));
  // The read ahead may fail (damage) while a drain is awaited: handled here, rethrown by its await.
  const ask = () => {
    const p = body.nextChunk();
    p.catch(() => {});
    return p;
  };
  let next: Promise<Chunk | undefined> | undefined = ask();
  try {
    for (let first = true; ; first = false) {
      const chunk: Chunk | undefined = await next;
      next = undefined;
      if (chunk === undefined) break;
      if (res.destroyed) {
        chunk.release();
        break;
      }
      if (first) {
        markHead(mark);
        res.cork();
      }
      const more = res.write(chunk.bytes, () => chunk.release());
      if (first) res.uncork();
      next = ask();
      if (!more) await Promise.race([once(res, 'drain'), closed]);
    }
    if (!res.destroyed) {
      markHead(mark);
      res.end();
    }
  } catch (e) {
    res.destroy(e as Error);
  }
  // Closed early: the read in flight (if any) still ends in a chunk to give back.
  next?.then(
    (c) => c?.release(),
    () => {},
  );
  body.destroy();
  await closed;
}
