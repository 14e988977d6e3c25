import type { IncomingMessage } from 'node:http';
import type { VerifiedRequest } from '../auth/index.js';
import { sha256Hex, TesseraError } from '../core/index.js';
import { decodeBody, onBodyCut, readSmallBody } from './request-body.js';

/**
 * Reads a small request body (a Query API form post) straight from the request, refusing more
 * than `limit` bytes: no stream in between. Fails as decodeBody's streams do — IncompleteBody when
 * the client goes away or closes mid-body, RequestTimeout when it stalls (timeouts.ts) — and
 * MaxMessageLengthExceeded when the body is too large.
 */
export function readFormBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e: Error | undefined, body?: Buffer) => {
      req.off('data', onData);
      req.off('end', onEnd);
      stopWatching();
      // A failed read must still not take the worker down: errors after this are dropped.
      req.on('error', () => {});
      if (e === undefined) resolve(body!);
      else reject(e);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        done(new TesseraError('MaxMessageLengthExceeded'));
      } else chunks.push(chunk);
    };
    const onEnd = () => done(undefined, Buffer.concat(chunks, size));
    const stopWatching = onBodyCut(req, (e) => done(e));
    req.on('data', onData);
    req.on('end', onEnd);
  });
}

/**
 * The body the signature describes, read in full: a signed SHA-256 compared at the end
 * (XAmzContentSHA256Mismatch), aws-chunked decoded and verified (through decodeBody's decoder).
 */
export async function readVerifiedFormBody(
  req: IncomingMessage,
  verified: VerifiedRequest,
  limit: number,
): Promise<Buffer> {
  const payload = verified.payload;
  if (payload.type === 'aws-chunked') return readSmallBody(decodeBody(req, verified).body, limit);
  const body = await readFormBody(req, limit);
  if (payload.type === 'sha256' && sha256Hex(body) !== payload.expected)
    throw new TesseraError('XAmzContentSHA256Mismatch');
  return body;
}
