import { availableParallelism, cpus } from 'node:os';
import { HashThread } from './hash-thread.js';
import { SlotRing } from './slot-ring.js';

export interface DigestThreadsOptions {
  /**
   * Hash threads: 2 runs MD5 and SHA-256 on threads of their own (the shortest path for one
   * stream when cores are free); 1 runs both on one thread (fewer hand-offs: best with 2 cores,
   * where the request thread already keeps one busy). Default: 2 from 4 cores on, 1 from 2;
   * none on a one-core machine.
   */
  threads?: 1 | 2;
  /** Slots in the ring (default 16). */
  slots?: number;
  /** Bytes per slot (default 1 MiB): the size of each hash update and file write. */
  slotSize?: number;
  log?: (message: string) => void;
}

/** One upload's use of the threads: its slots go to MD5 and, when asked, SHA-256. */
export interface DigestJob {
  /** Hands a filled slot over (the caller's own reference stays: it releases it after writing). */
  submit(slot: number, length: number, sha256?: { from: number; ends: number[] }): void;
  /** The MD5 of everything submitted (raw bytes). */
  md5(): Promise<Buffer>;
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
  /** MD5 runs on the first thread, SHA-256 on the last (the same one when there is one). */
  readonly #threads: HashThread[];
  #nextJob = 1;

  private constructor(o: DigestThreadsOptions) {
    this.ring = new SlotRing(o.slots ?? 16, o.slotSize ?? 1024 * 1024);
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

  open(withSha256: boolean, events: JobEvents): DigestJob {
    const job = this.#nextJob++;
    const md5 = this.#threads[0]!;
    const sha256 = withSha256 ? this.#threads.at(-1)! : undefined;
    const shared = sha256 === md5;
    let finished: { resolve: (d: Buffer) => void; reject: (e: Error) => void } | undefined;
    let failure: Error | undefined;
    const fail = (e: Error) => {
      failure ??= e;
      finished?.reject(e);
      events.fail(e);
    };
    const end = (hex: string) => finished?.resolve(Buffer.from(hex, 'hex'));
    const digests = (d: string[]) => {
      if (d.length > 0) events.sha256(d);
    };
    md5.open(job, { slot: shared ? digests : () => {}, end, fail });
    if (sha256 && !shared) sha256.open(job, { slot: digests, end: () => {}, fail });
    const ring = this.ring;
    return {
      submit(slot, length, sha) {
        const offset = ring.offset(slot);
        const base = { t: 'slot', job, slot, offset, length } as const;
        if (shared) {
          ring.retain(slot, 1);
          md5.slot({ ...base, md5: true, sha256: sha ?? { from: 0, ends: [] } });
          return;
        }
        ring.retain(slot, sha256 ? 2 : 1);
        md5.slot({ ...base, md5: true });
        sha256?.slot({ ...base, md5: false, sha256: sha ?? { from: 0, ends: [] } });
      },
      md5() {
        if (failure) return Promise.reject(failure);
        return new Promise<Buffer>((resolve, reject) => {
          finished = { resolve, reject };
          md5.end(job);
          if (!shared) sha256?.drop(job);
        });
      },
      async abort() {
        await Promise.all([md5.drop(job), shared ? undefined : sha256?.drop(job)]);
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
  return cpus().length >= 4 ? 2 : 1;
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
