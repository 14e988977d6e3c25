import { once } from 'node:events';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { BlobHandle } from '../types.js';
import { BufferPool, readPool } from './buffer-pool.js';

const closeFd = promisify(fs.close);
const pread = promisify(fs.read);

/**
 * Bytes read from a blob. `release()` gives a pooled buffer back for reuse: call it once nothing
 * (node, the kernel) reads `bytes` any more — for a socket, from the write's callback. Calling it
 * again does nothing.
 */
export interface BlobChunk {
  readonly bytes: Buffer;
  release(): void;
}

const NO_RELEASE = () => {};

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
 * Streams and reads go by position (pread) on the shared descriptor, so several may run at once.
 * The descriptor is closed only after every stream has ended or been destroyed and every read
 * has settled: closing it earlier could let the number be reused by another file while a read is
 * in flight.
 */
export class FsBlobHandle implements BlobHandle {
  readonly size: number;
  readonly #fd: number;
  readonly #streams = new Set<fs.ReadStream>();
  readonly #reads = new Set<Promise<unknown>>();
  readonly #pool: BufferPool;
  #closing: Promise<void> | undefined;

  constructor(fd: number, size: number, pool: BufferPool = readPool) {
    this.#fd = fd;
    this.size = size;
    this.#pool = pool;
  }

  /**
   * Reads `length` bytes at `position` (pread, so reads and streams may run at once) into one
   * buffer: a pooled one when `pooled` and the length suits the pool, else a buffer of its own.
   * Fewer bytes come back only at the end of the file.
   */
  read(position: number, length: number, pooled: boolean): Promise<BlobChunk> {
    if (this.#closing !== undefined) return Promise.reject(new Error('blob handle is closed'));
    const fromPool = pooled && BufferPool.pools(length);
    const buf = fromPool ? this.#pool.acquire(length) : Buffer.allocUnsafe(length);
    const done = this.#fill(buf, position, length).then(
      (n) => {
        if (!fromPool) return { bytes: buf.subarray(0, n), release: NO_RELEASE };
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          this.#pool.release(buf);
        };
        return { bytes: buf.subarray(0, n), release };
      },
      (e: unknown) => {
        if (fromPool) this.#pool.release(buf);
        throw e;
      },
    );
    this.#reads.add(done);
    const forget = () => this.#reads.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** preads until `length` bytes are in `buf` or the file ends; resolves to the bytes read. */
  async #fill(buf: Buffer, position: number, length: number): Promise<number> {
    let n = 0;
    while (n < length) {
      const { bytesRead } = await pread(this.#fd, buf, n, length - n, position + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n;
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

  /** Destroys unfinished streams, waits for every in-flight read, then closes the descriptor. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const reads = [...this.#reads].map((r) => r.then(NO_RELEASE, NO_RELEASE));
      const pending = [...this.#streams].map((s) => {
        const closed = once(s, 'close').then(
          () => undefined,
          () => undefined,
        );
        s.destroy();
        return closed;
      });
      await Promise.all([...pending, ...reads]);
      await closeFd(this.#fd);
    })();
    return this.#closing;
  }
}
