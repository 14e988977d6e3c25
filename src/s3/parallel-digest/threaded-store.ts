import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ChunkedDecoder } from '../../auth/index.js';
import { type Checksum, TesseraError } from '../../core/index.js';
import type { BlobStore, BlobWriteResult } from '../../storage/index.js';
import type { DigestJob, DigestThreads } from './digest-threads.js';
import type { SlotRing } from './slot-ring.js';

type Handover = NonNullable<ReturnType<ChunkedDecoder['handOverSha256']>>;

/** A sealed slot on its way to the file. */
interface Sealed {
  slot: number;
  length: number;
}

export interface ThreadedResult {
  written: BlobWriteResult;
  size: number;
  md5: Buffer;
  /** CRC-32 of the bytes (BlobSegment.crc32), computed on a hash thread from the ring's slots. */
  crc32: number;
}

/**
 * Reads `source` into ring slots (the one copy), hands each full slot to the MD5 thread, to the
 * SHA-256 thread when the source hands its hashing over (aws-chunked chunk signatures,
 * x-amz-content-sha256), and to the blob store, which writes from the slot. A slot is reused when
 * all three released it. Any failure (source, hash thread, write) removes the blob, destroys the
 * source and gives back every slot.
 */
export async function storeThreaded(
  threads: DigestThreads,
  blobs: BlobStore,
  source: Readable,
  opts: { maxSize: number; hasher?: Checksum | undefined },
): Promise<ThreadedResult> {
  const feed = new SlotFeed(threads, source, opts.maxSize, opts.hasher);
  const writing = blobs.write(feed.chunks());
  // A store that fails before it reads (no temporary file) must still stop the feed.
  writing.catch(() => feed.fail(WRITE_STOPPED));
  const [written, md5] = await Promise.allSettled([writing, feed.done]);
  if (written.status === 'fulfilled' && md5.status === 'fulfilled')
    return { written: written.value, size: feed.size, md5: md5.value.md5, crc32: md5.value.crc32 };
  // The first cause: the source's or a thread's failure, else the store's own error.
  const cause =
    md5.status === 'rejected' && md5.reason !== WRITE_STOPPED
      ? md5.reason
      : written.status === 'rejected'
        ? written.reason
        : (md5 as PromiseRejectedResult).reason;
  feed.fail(cause);
  if (written.status === 'fulfilled') await blobs.delete([written.value.blobId]);
  // The request fails only once its slots are free again.
  await feed.released;
  throw cause;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
/** The feed's failure when the blob store stopped reading (its own error is the one to report). */
const WRITE_STOPPED = new TesseraError('InternalError', 'The blob write stopped early.');

/** The filling side: source events → slots → threads and writer. */
class SlotFeed {
  size = 0;
  readonly done: Promise<{ md5: Buffer; crc32: number }>;
  /** After a failure: resolves once the hash threads gave back this upload's slots. */
  released: Promise<void> = Promise.resolve();
  readonly #ring: SlotRing;
  readonly #job: DigestJob;
  readonly #handover: Handover | undefined;
  #resolve!: (digests: { md5: Buffer; crc32: number }) => void;
  #reject!: (e: Error) => void;
  #failure: Error | undefined;
  #ended = false;
  /** The slot being filled, its fill and the decoded offset where it starts. */
  #slot: number | undefined;
  #fill = 0;
  #start = 0;
  /** Bytes of a piece that did not fit while no slot was free (a view, not a copy). */
  #stash: Buffer | undefined;
  /** Segment ends announced by the source and not yet in a sealed slot; the payload's end once known. */
  readonly #ends: number[] = [];
  #total: number | undefined;
  readonly #queue: Sealed[] = [];
  #writing: Sealed | undefined;
  #wake: (() => void) | undefined;

  constructor(
    threads: DigestThreads,
    private readonly source: Readable,
    private readonly maxSize: number,
    private readonly hasher: Checksum | undefined,
  ) {
    this.#ring = threads.ring;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    const handing = (source as Partial<ChunkedDecoder>).handOverSha256;
    this.#handover =
      typeof handing === 'function'
        ? handing.call(source, {
            segment: (end) => this.#ends.push(end),
            last: (total) => this.#onLast(total),
          })
        : undefined;
    this.#job = threads.open(this.#handover !== undefined, {
      sha256: (digests) => {
        for (const hex of digests) this.#handover!.hashed(hex);
      },
      fail: (e) => this.fail(e),
    });
    source.on('data', (chunk: Buffer) => this.#onData(chunk));
    source.once('end', () => this.#onEnd());
    source.once('error', (e) => this.fail(e));
    source.once('close', () => {
      if (!this.#ended) this.fail(new TesseraError('IncompleteBody'));
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#failure) return;
    this.size += chunk.length;
    if (this.size > this.maxSize) {
      this.fail(new TesseraError('EntityTooLarge'));
      return;
    }
    this.hasher?.update(chunk);
    this.#copy(chunk);
  }

  /** Copies into slots; when none is free, keeps the rest and pauses the source until one is. */
  #copy(chunk: Buffer): void {
    const ring = this.#ring;
    let at = 0;
    while (at < chunk.length) {
      if (this.#slot !== undefined && this.#fill === ring.slotSize) this.#seal();
      if (this.#slot === undefined) {
        this.#slot = ring.acquire();
        if (this.#slot === undefined) {
          this.#stash = chunk.subarray(at);
          this.source.pause();
          void ring.whenFree().then(() => this.#resume());
          return;
        }
      }
      const n = Math.min(ring.slotSize - this.#fill, chunk.length - at);
      ring.copyIn(this.#slot, this.#fill, n === chunk.length ? chunk : chunk.subarray(at, at + n));
      this.#fill += n;
      at += n;
    }
    if (this.#total !== undefined && this.#start + this.#fill === this.#total) this.#seal();
  }

  #resume(): void {
    if (this.#failure) return;
    const stash = this.#stash!;
    this.#stash = undefined;
    this.#copy(stash);
    if (this.#stash === undefined) {
      this.source.resume();
      if (this.#ended) this.#onEnd();
    }
  }

  /** The source said no segment follows: seal the last slot as soon as its bytes are in. */
  #onLast(total: number): void {
    this.#total = total;
    if (this.#slot !== undefined && this.#start + this.#fill === total) this.#seal();
  }

  #seal(): void {
    const slot = this.#slot!;
    const end = this.#start + this.#fill;
    if (this.#handover) {
      const ends: number[] = [];
      while (this.#ends.length > 0 && this.#ends[0]! <= end) ends.push(this.#ends.shift()! - this.#start);
      this.#job.submit(slot, this.#fill, { from: Math.max(0, this.#handover.from - this.#start), ends });
    } else {
      this.#job.submit(slot, this.#fill);
    }
    this.#queue.push({ slot, length: this.#fill });
    this.#slot = undefined;
    this.#start = end;
    this.#fill = 0;
    this.#wake?.();
  }

  #onEnd(): void {
    this.#ended = true;
    if (this.#failure || this.#stash) return; // the rest is copied when a slot frees
    if (this.#slot !== undefined) {
      if (this.#fill > 0) this.#seal();
      else {
        this.#ring.release(this.#slot);
        this.#slot = undefined;
      }
    }
    // Segments that no slot held can only be empty ones.
    for (const _ of this.#ends.splice(0)) this.#handover!.hashed(EMPTY_SHA256);
    this.#job.finish().then(this.#resolve, (e: Error) => this.fail(e));
    this.#wake?.();
  }

  /** The slots for the blob store; each is released when the store asks for the next one. */
  chunks(): AsyncIterable<Uint8Array> {
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      this.#releaseWritten();
      for (;;) {
        if (this.#failure) throw this.#failure;
        const sealed = this.#queue.shift();
        if (sealed) {
          this.#writing = sealed;
          return { done: false, value: this.#ring.view(sealed.slot, sealed.length) };
        }
        if (this.#ended && this.#slot === undefined && !this.#stash) return { done: true, value: undefined };
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
    };
    const stop = async (): Promise<IteratorResult<Uint8Array>> => {
      this.#releaseWritten();
      this.fail(WRITE_STOPPED);
      return { done: true, value: undefined };
    };
    return { [Symbol.asyncIterator]: () => ({ next, return: stop }) };
  }

  #releaseWritten(): void {
    if (this.#writing) this.#ring.release(this.#writing.slot);
    this.#writing = undefined;
  }

  /** Fails the upload once: source destroyed, job dropped, every slot not in a thread released. */
  fail(e: Error): void {
    if (this.#failure) return;
    this.#failure = e;
    this.source.destroy();
    this.released = this.#job.abort();
    if (this.#slot !== undefined) this.#ring.release(this.#slot);
    this.#slot = undefined;
    this.#stash = undefined;
    for (const s of this.#queue.splice(0)) this.#ring.release(s.slot);
    this.#reject(e);
    this.#wake?.();
  }
}
