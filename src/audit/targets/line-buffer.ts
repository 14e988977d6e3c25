import type { LineSink } from '../chain.js';

/**
 * A batch's lines as one buffer of newline-ended UTF-8 lines, written in place: each line's text
 * is encoded once, straight into the buffer (no Buffer per line, no copy to join them), and the
 * chain hashes the bytes where they lie. The buffer grows (doubling) when a line does not fit,
 * and is kept from one batch to the next (`clear`): a buffer this size allocated afresh per batch
 * costs the kernel a page fault per 4 KiB every time.
 */
export class LineBuffer implements LineSink {
  private buf: Buffer;
  private end = 0;
  /** Lines added. */
  lines = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, Math.ceil(capacity)));
  }

  /** Appends `text` and a newline; returns the text's bytes (a view into this buffer). */
  add(text: string): Uint8Array {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a lone surrogate: U+FFFD's three).
    const room = text.length * 3 + 1;
    if (this.buf.length - this.end < room) this.grow(room);
    const start = this.end;
    const n = this.buf.write(text, start);
    this.buf[start + n] = 0x0a;
    this.end = start + n + 1;
    this.lines++;
    return this.buf.subarray(start, start + n);
  }

  /** Empties the buffer for the next batch (the bytes handed out before are overwritten). */
  clear(): void {
    this.end = 0;
    this.lines = 0;
  }

  /** The lines written, each followed by a newline. */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.end);
  }

  private grow(room: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + room));
    this.buf.copy(next, 0, 0, this.end);
    this.buf = next;
  }
}
