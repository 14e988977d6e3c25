import { availableParallelism, cpus } from 'node:os';
import { HashThread } from './hash-thread.js';
import { SlotRing } from './slot-ring.js';

export interface DigestThreadsOptions {
  /**
   * Hash threads: 2 runs MD5 on one thread and SHA-256 with the CRC-32 on the other, so that no
   * thread caps a stream (MD5 alone is ~450 ms per 256 MiB, SHA-256 and CRC-32 ~300, the request
   * thread ~500); 1 runs all on one thread. Default: 2 from 2 cores on (the split costs no CPU
   * with 4 MiB slots); none on a one-core machine.
   */
  threads?: 1 | 2;
  /** Slots in the ring (default 8). */
  slots?: number;
  /**
   * Bytes per slot (default 4 MiB): the size of each hash update and file write. Every slot costs
   * four thread hand-offs (to the hash thread and back, to the file writer and back), each a
   * wake-up of an idle thread: large slots keep them few (64 per 256 MiB).
   */
  slotSize?: number;
  log?: (message: string) => void;
}

/** One upload's use of the threads: its slots go to MD5, CRC-32 and, when asked, SHA-256. */
export interface DigestJob {
  /** Hands a filled slot over (the caller's own reference stays: it releases it after writing). */
  submit(slot: number, length: number, sha256?: { from: number; ends: number[] }): void;
  /** The MD5 (raw bytes) and CRC-32 of everything submitted. */
  finish(): Promise<{ md5: Buffer; crc32: number }>;
  /** Stops the job after a failure; resolves once the threads gave back all its slots. */
  abort(): Promise<void>;
}

export interface JobEvents {
  /** SHA-256 digests (hex) of the segments that ended, in order. */
  sha256(digests: string[]): void;
  /** A hash thread died. */
  fail(e: Error): void;
}

/**
 * The hash threads of a server process and the slot ring they read. Started with the server,
 * stopped with it; uploads share both.
 * @example const threads = await DigestThreads.start(); … await threads.stop();
 */
export class DigestThreads {
  readonly ring: SlotRing;
  readonly #threads: HashThread[];
  #nextJob = 1;

  private constructor(o: DigestThreadsOptions) {
    this.ring = new SlotRing(o.slots ?? 8, o.slotSize ?? 4 * 1024 * 1024);
    const log = o.log ?? (() => {});
    const count = o.threads ?? defaultThreads();
    this.#threads = Array.from(
      { length: count },
      (_, i) => new HashThread(`hash thread ${i}`, this.ring, log),
    );
  }

  static async start(o: DigestThreadsOptions = {}): Promise<DigestThreads> {
    const threads = new DigestThreads(o);
    await Promise.all(threads.#threads.map((t) => t.online()));
    return threads;
  }

  /**
   * MD5 runs on the first thread; SHA-256 and CRC-32 on the last (the same one when there is one):
   * with two threads the first hashes about 450 ms per 256 MiB, the second about 300.
   */
  open(withSha256: boolean, events: JobEvents): DigestJob {
    const job = this.#nextJob++;
    const md5 = this.#threads[0]!;
    const other = this.#threads.at(-1)!;
    const shared = other === md5;
    let failure: Error | undefined;
    let md5Done: ((hex: string) => void) | undefined;
    let crcDone: ((crc: number) => void) | undefined;
    let failed: ((e: Error) => void) | undefined;
    const fail = (e: Error) => {
      failure ??= e;
      failed?.(e);
      events.fail(e);
    };
    const digests = (d: string[]) => {
      if (d.length > 0) events.sha256(d);
    };
    md5.open(job, {
      slot: shared ? digests : () => {},
      end: (hex, crc) => {
        md5Done?.(hex);
        if (shared) crcDone?.(crc);
      },
      fail,
    });
    if (!shared) other.open(job, { slot: digests, end: (_hex, crc) => crcDone?.(crc), fail });
    const ring = this.ring;
    const noSha256 = { from: 0, ends: [] };
    return {
      submit(slot, length, sha) {
        const offset = ring.offset(slot);
        const sha256 = withSha256 ? (sha ?? noSha256) : undefined;
        if (shared) {
          ring.retain(slot, 1);
          md5.slot({ t: 'slot', job, slot, offset, length, md5: true, crc32: true, sha256 });
          return;
        }
        ring.retain(slot, 2);
        md5.slot({ t: 'slot', job, slot, offset, length, md5: true, crc32: false });
        other.slot({ t: 'slot', job, slot, offset, length, md5: false, crc32: true, sha256 });
      },
      finish() {
        if (failure) return Promise.reject(failure);
        const hex = new Promise<string>((resolve) => {
          md5Done = resolve;
        });
        const crc = new Promise<number>((resolve) => {
          crcDone = resolve;
        });
        const stopped = new Promise<never>((_, reject) => {
          failed = reject;
        });
        md5.end(job);
        if (!shared) other.end(job);
        return Promise.race([
          Promise.all([hex, crc]).then(([h, c]) => ({ md5: Buffer.from(h, 'hex'), crc32: c })),
          stopped,
        ]);
      },
      async abort() {
        await Promise.all([md5.drop(job), shared ? undefined : other.drop(job)]);
      },
    };
  }

  /** Tests: make the MD5 thread fail. */
  crash(): void {
    this.#threads[0]!.crash();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.stop()));
  }
}

function defaultThreads(): 1 | 2 {
  return cpus().length >= 2 ? 2 : 1;
}

/**
 * Starts the process's hash threads (the composition root calls this at server start and puts
 * them in S3Deps); undefined on a one-core machine, where they could only slow uploads down.
 */
export async function startDigestThreads(o: DigestThreadsOptions = {}): Promise<DigestThreads | undefined> {
  if (o.threads === undefined && cpus().length < 2) return undefined;
  return DigestThreads.start(o);
}

/**
 * The hash threads when using them can help: the process may run on more than one CPU right
 * now (its affinity can change while it runs: a process pinned to one CPU would only pay for the
 * hand-offs).
 */
export function usableDigestThreads(threads: DigestThreads | undefined): DigestThreads | undefined {
  return threads !== undefined && availableParallelism() >= 2 ? threads : undefined;
}
