import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TesseraError } from '../core/index.js';
import type { Sha256HandingStream, Sha256Handover, Sha256Listener } from './streaming/sha256-handover.js';

/**
 * Passes the body through while hashing it; at the end fails with XAmzContentSHA256Mismatch when
 * the SHA-256 differs from the signed value. The hashing can be handed over (Sha256Handover) as
 * long as nobody has read from the stream yet: then the consumer hashes one segment, the whole body.
 */
class PayloadHashCheck extends Transform implements Sha256HandingStream {
  private hash: Hash | undefined = createHash('sha256');
  private size = 0;
  private listener: Sha256Listener | undefined;
  private heldFlush: TransformCallback | undefined;

  constructor(private readonly expected: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash?.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.listener) {
      this.heldFlush = callback;
      this.listener.segment(this.size);
      this.listener.last(this.size);
      return;
    }
    this.settle(this.hash!.digest('hex'), callback);
  }

  handOverSha256(listener: Sha256Listener): Sha256Handover | undefined {
    // The consumer must see every hashed byte: only while all of them still wait to be read.
    if (this.listener || this.destroyed || this.writableFinished || this.readableLength !== this.size)
      return undefined;
    this.listener = listener;
    this.hash = undefined;
    return {
      from: 0,
      hashed: (hex) => {
        const done = this.heldFlush;
        this.heldFlush = undefined;
        if (done && !this.destroyed) this.settle(hex, done);
      },
    };
  }

  private settle(hex: string, callback: TransformCallback): void {
    if (hex === this.expected) callback();
    else callback(new TesseraError('XAmzContentSHA256Mismatch'));
  }
}

/**
 * A pass-through stream that hashes the body and fails with XAmzContentSHA256Mismatch at the end
 * when its SHA-256 differs from the signed x-amz-content-sha256. Bytes flow before the end, so
 * the consumer must not commit anything from a stream that errors (the S3 layer never does).
 * @example req.pipe(createPayloadHashCheck(verified.payload.expected))
 */
export function createPayloadHashCheck(expectedHex: string): Transform & Sha256HandingStream {
  return new PayloadHashCheck(expectedHex.toLowerCase());
}
