import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TesseraError } from '../core/index.js';

/**
 * A pass-through stream that hashes the body and fails with XAmzContentSHA256Mismatch at the end
 * when its SHA-256 differs from the signed x-amz-content-sha256. Bytes flow before the end, so
 * the consumer must not commit anything from a stream that errors (the S3 layer never does).
 * @example req.pipe(createPayloadHashCheck(verified.payload.expected))
 */
export function createPayloadHashCheck(expectedHex: string): Transform {
  const expected = expectedHex.toLowerCase();
  const hash: Hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      if (hash.digest('hex') === expected) callback();
      else callback(new TesseraError('XAmzContentSHA256Mismatch'));
    },
  });
}
