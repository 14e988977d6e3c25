import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { createChunkedDecoder, createPayloadHashCheck, type VerifiedRequest } from '../auth/index.js';
import { EMPTY_SHA256, TesseraError } from '../core/index.js';
import { BodyCut, clientGoneCode } from './client-gone.js';

export interface DecodedBody {
  body: Readable;
  /** The payload length when known before reading (decoded length for aws-chunked). */
  contentLength: number | undefined;
  trailers: () => ReadonlyMap<string, string> | undefined;
}

function headerNumber(req: IncomingMessage, name: string): number | undefined {
  const v = req.headers[name];
  if (v === undefined || Array.isArray(v)) return undefined;
  if (!/^\d+$/.test(v)) throw new TesseraError('InvalidArgument', `Invalid ${name} header.`);
  return Number(v);
}

/** True when the request carries a body (a non-zero Content-Length or chunked transfer). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Reads a small body in full (form posts), refusing more than `limit` bytes. */
export async function readSmallBody(source: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      source.destroy();
      throw new TesseraError('MaxMessageLengthExceeded');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Calls `fail` when the client goes away mid-body (IncompleteBody, logged at debug level only),
 * closes before the body is complete, or stops sending it for the stall timeout (RequestTimeout:
 * see timeouts.ts — the pipeline answers 400 and the connection closes). Returns the function
 * that stops listening.
 */
export function onBodyCut(req: IncomingMessage, fail: (e: Error) => void): () => void {
  const onError = (e: Error) => {
    const gone = clientGoneCode(e);
    fail(gone === undefined ? e : new BodyCut(gone));
  };
  const onClose = () => {
    if (!req.complete) fail(new BodyCut('closed'));
  };
  const onTimeout = () => fail(new TesseraError('RequestTimeout'));
  req.on('error', onError);
  req.on('close', onClose);
  // `on`, not `once`: timeouts.ts counts the listener to know that someone will answer.
  req.on('timeout', onTimeout);
  return () => {
    req.off('error', onError);
    req.off('close', onClose);
    req.off('timeout', onTimeout);
  };
}

/** `pipe` does not forward errors: fail the decoding stream when the body is cut (onBodyCut). */
function failWhenCut(req: IncomingMessage, dest: Readable): void {
  onBodyCut(req, (e) => dest.destroy(e));
  // A body that no handler reads must not take the worker down when it fails.
  dest.on('error', () => {});
}

/**
 * Wraps the raw request stream as the payload the signature describes: aws-chunked framing
 * decoded (chunk signatures and trailer verified) or the SHA-256 checked while streaming.
 * An error at any point fails the stream, so no handler can commit a payload that did not verify.
 */
export function decodeBody(req: IncomingMessage, verified: VerifiedRequest): DecodedBody {
  const payload = verified.payload;
  switch (payload.type) {
    case 'none': {
      const contentLength = headerNumber(req, 'content-length');
      if (!hasBody(req)) return { body: req, contentLength, trailers: () => undefined };
      // Unchecked, but still through a stream of ours, so that a cut or stall fails it as above.
      const pass = new PassThrough();
      failWhenCut(req, pass);
      return { body: req.pipe(pass), contentLength, trailers: () => undefined };
    }
    case 'sha256': {
      // No body at all (most GETs, HEADs, DELETEs): compare with the empty hash, no stream.
      if (!hasBody(req)) {
        if (payload.expected !== EMPTY_SHA256) throw new TesseraError('XAmzContentSHA256Mismatch');
        return { body: req, contentLength: 0, trailers: () => undefined };
      }
      const check = createPayloadHashCheck(payload.expected);
      failWhenCut(req, check);
      return {
        body: req.pipe(check),
        contentLength: headerNumber(req, 'content-length'),
        trailers: () => undefined,
      };
    }
    case 'aws-chunked': {
      const decoder = createChunkedDecoder(payload.decoder);
      failWhenCut(req, decoder);
      return {
        body: req.pipe(decoder),
        contentLength: headerNumber(req, 'x-amz-decoded-content-length'),
        trailers: () => decoder.trailers,
      };
    }
    default: {
      const never: never = payload;
      throw new Error(`unknown payload check ${String(never)}`);
    }
  }
}
