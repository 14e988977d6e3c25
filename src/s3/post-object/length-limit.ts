import { Transform, type TransformCallback } from 'node:stream';
import { TesseraError } from '../../core/index.js';

/**
 * Counts the file's bytes as they stream and fails as soon as they pass content-length-range's
 * maximum ("Your proposed upload exceeds the maximum allowed size", with MaxSizeAllowed): the
 * rest is never read, and the blob being written is discarded by the ingest path.
 */
export class LengthLimit extends Transform {
  size = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.max) {
      done(tooLarge(this.max));
      return;
    }
    done(null, chunk);
  }
}

export function tooLarge(max: number): TesseraError {
  return new TesseraError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
    MaxSizeAllowed: max,
  });
}

/** Below the minimum: "Your proposed upload is smaller than the minimum allowed size". */
export function tooSmall(size: number, min: number): TesseraError {
  return new TesseraError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
    ProposedSize: size,
    MinSizeAllowed: min,
  });
}
