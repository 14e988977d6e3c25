import { Worker } from 'node:worker_threads';
import { TesseraError } from '../../core/index.js';
import { type FromWorker, HASH_THREAD_SOURCE, type SlotMessage, type ToWorker } from './hash-worker.js';
import type { SlotRing } from './slot-ring.js';

/** What a hash thread reports to the upload it hashes for. */
export interface JobSink {
  /** The digests of the segments that ended in a slot, in slot order. */
  slot(digests: string[]): void;
  /** The running MD5's final digest (hex) and the CRC-32 of the bytes it was asked to check. */
  end(digest: string, crc32: number): void;
  /** The thread died: the upload must fail (its slots were already released). */
  fail(e: TesseraError): void;
}

/**
 * One worker thread hashing (MD5, SHA-256, CRC-32: what each slot asks for) for many uploads at
 * once. It holds a reference to each slot it was given until it answers for it; if the thread
 * dies, those references are released, every upload it served fails with InternalError, and a
 * fresh thread takes its place.
 */
export class HashThread {
  #worker!: Worker;
  readonly #jobs = new Map<number, { sink: JobSink; slots: number[]; dropped: boolean; idle?: () => void }>();
  #stopping = false;

  constructor(
    readonly name: string,
    private readonly ring: SlotRing,
    private readonly log: (message: string) => void,
  ) {
    this.#spawn();
  }

  /** Resolves once the thread runs (start-up at server start, not per request). */
  online(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#worker.once('online', resolve);
      this.#worker.once('error', reject);
    });
  }

  #spawn(): void {
    const worker = new Worker(HASH_THREAD_SOURCE, {
      eval: true,
      workerData: { ring: this.ring.buffer },
    });
    worker.unref();
    worker.on('message', (m: FromWorker) => this.#onMessage(m));
    worker.on('error', (e) => this.#onDeath(worker, e));
    worker.on('exit', (code) => this.#onDeath(worker, new Error(`exited with code ${code}`)));
    this.#worker = worker;
  }

  /** Registers an upload; its messages go to `sink` until end() answers or the job is dropped. */
  open(job: number, sink: JobSink): void {
    this.#jobs.set(job, { sink, slots: [], dropped: false });
  }

  /** Hands a sealed slot to the thread (the caller retained one reference for it). */
  slot(message: SlotMessage): void {
    this.#jobs.get(message.job)!.slots.push(message.slot);
    this.#post(message);
  }

  end(job: number): void {
    this.#post({ t: 'end', job });
  }

  /**
   * Forgets a failed upload. Slots still being hashed are released as the thread answers; the
   * promise resolves once the thread holds none of the job's slots.
   */
  drop(job: number): Promise<void> {
    const entry = this.#jobs.get(job);
    if (!entry) return Promise.resolve();
    entry.dropped = true;
    this.#post({ t: 'drop', job });
    if (entry.slots.length === 0) {
      this.#jobs.delete(job);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      entry.idle = resolve;
    });
  }

  /** Tests: make the thread throw. */
  crash(): void {
    this.#post({ t: 'crash' });
  }

  #post(m: ToWorker): void {
    this.#worker.postMessage(m);
  }

  #onMessage(m: FromWorker): void {
    const entry = this.#jobs.get(m.job);
    if (!entry) return;
    if (m.t === 'slot') {
      entry.slots.shift();
      this.ring.release(m.slot);
      // A dropped job is forgotten once its last slot came back.
      if (!entry.dropped) entry.sink.slot(m.digests);
      else if (entry.slots.length === 0) {
        this.#jobs.delete(m.job);
        entry.idle?.();
      }
    } else if (!entry.dropped) {
      this.#jobs.delete(m.job);
      entry.sink.end(m.digest, m.crc32);
    }
  }

  #onDeath(worker: Worker, e: Error): void {
    if (worker !== this.#worker) return; // the error event is followed by exit: handle once
    const failed = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const { slots } of failed) for (const slot of slots) this.ring.release(slot);
    for (const { idle } of failed) idle?.();
    if (this.#stopping) return;
    this.log(`${this.name} failed (${e.message}); starting a new one`);
    this.#spawn();
    const error = new TesseraError('InternalError', `The ${this.name} failed.`);
    for (const { sink, dropped } of failed) if (!dropped) sink.fail(error);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#worker.terminate();
  }
}
