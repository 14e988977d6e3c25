import { once } from 'node:events';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { BlobHandle } from '../types.js';

const closeFd = promisify(fs.close);

/** File operations for streams over a shared descriptor: reads are real, close is the handle's job. */
const SHARED_FD = {
  open: fs.open,
  read: fs.read,
  close: (_fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => callback(null),
};

/** Read-ahead per stream: large reads cut syscalls and event-loop turns for big objects. */
export const READ_HIGH_WATER_MARK = 1024 * 1024;

/**
 * An open blob file. Holding the descriptor keeps the bytes readable after the file is unlinked
 * (POSIX), so deleting or overwriting an object never cuts a GET short.
 *
 * Streams read by position (pread) from the shared descriptor, so several may run at once. The
 * descriptor is closed only after every stream has ended or been destroyed: closing it earlier
 * could let the number be reused by another file while a read is in flight.
 */
export class FsBlobHandle implements BlobHandle {
  readonly size: number;
  readonly #fd: number;
  readonly #streams = new Set<fs.ReadStream>();
  #closing: Promise<void> | undefined;

  constructor(fd: number, size: number) {
    this.#fd = fd;
    this.size = size;
  }

  /** Streams bytes [start, end] (inclusive). An empty range (end < start) gives an empty stream. */
  stream(start: number, end: number): Readable {
    if (this.#closing !== undefined) throw new Error('blob handle is closed');
    if (end < start) return Readable.from([]);
    const stream = fs.createReadStream('', {
      fd: this.#fd,
      fs: SHARED_FD,
      start,
      end,
      // A ReadStream closes its fd whenever it is destroyed (end of a for-await, pipeline,
      // destroy()), even with autoClose false; SHARED_FD makes that close a no-op, so the stream
      // may destroy itself at the end and report 'close' while the handle keeps the descriptor.
      autoClose: true,
      emitClose: true,
      highWaterMark: READ_HIGH_WATER_MARK,
    });
    this.#streams.add(stream);
    stream.once('close', () => this.#streams.delete(stream));
    return stream;
  }

  /** Destroys unfinished streams, waits for their in-flight reads, then closes the descriptor. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const pending = [...this.#streams].map((s) => {
        const closed = once(s, 'close').then(
          () => undefined,
          () => undefined,
        );
        s.destroy();
        return closed;
      });
      await Promise.all(pending);
      await closeFd(this.#fd);
    })();
    return this.#closing;
  }
}
