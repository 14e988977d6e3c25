import type { AuditKey } from '../chain.js';
import type { AuditEvent } from '../entry.js';
import { EntryQueue } from './queue.js';
import { type Peeked, Spool } from './spool.js';
import type { AuditTarget, TargetStats } from './target.js';

/**
 * A target that delivers over the network (webhook, NATS: docs/audit.md), durable across the far
 * side being down and this process being killed. `write` only queues in memory; a drain chains the
 * entries (as the file target does) and appends them to the on-disk spool (fdatasync per batch);
 * a sender takes batches from the spool (`batchSize` lines, or what is there after
 * `batchIntervalMs`) and moves past them only after the far side took them. A failed delivery is
 * retried with exponential backoff (capped) forever. Delivery is at-least-once: `<stream>-<seq>`
 * identifies a line. Memory and spool together hold at most `queueSize` lines; what does not fit
 * is counted, logged and recorded as a `dropped` line.
 */
export interface Sender {
  /** Delivers lines (in order); throws unless the far side took them all. */
  send(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface RemoteTargetOptions {
  /** The target's name in stats and log lines (`webhook`, `webhook:archive`, `nats`). */
  name: string;
  node: string;
  stream: string;
  key: AuditKey;
  deploymentId?: string;
  /** The spool directory (one per target). */
  queueDir: string;
  /** Lines held (memory and spool) before entries are dropped (default 100 000). */
  queueSize?: number;
  /** Lines per delivery (default 100). */
  batchSize?: number;
  /** A smaller batch goes once its first line is this old, in ms (default 1000). */
  batchIntervalMs?: number;
  checkpointEvery?: number;
  /** Backoff after a failed delivery: from this (default 250 ms), doubling, up to retryMaxMs (default 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long close keeps delivering before it leaves the rest in the spool (default 5 s). */
  closeTimeoutMs?: number;
  onError?: (message: string, err: unknown) => void;
  now?: () => number;
}

const DRAIN_BATCH = 1000;
const SPOOL_RETRY_MS = 1000;

type Resolved = Required<Omit<RemoteTargetOptions, 'deploymentId' | 'onError'>> & RemoteTargetOptions;

export class RemoteTarget implements AuditTarget {
  readonly name: string;
  private readonly o: Resolved;
  private readonly queue: EntryQueue;
  private readonly spool: Spool;
  /** Chained lines the spool refused: appended again, the same bytes. */
  private unspooled: string[] = [];
  private spooling: Promise<void> | undefined;
  private scheduled = false;
  private sending: Promise<void> | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly timer: NodeJS.Timeout;
  private waiters: (() => void)[] = [];
  private urgent = 0;
  private failures = 0;
  private written = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private stopAt = Number.POSITIVE_INFINITY;

  constructor(
    opts: RemoteTargetOptions,
    private readonly sender: Sender,
  ) {
    this.o = {
      queueSize: 100_000,
      batchSize: 100,
      batchIntervalMs: 1000,
      checkpointEvery: 1000,
      retryMinMs: 250,
      retryMaxMs: 5000,
      closeTimeoutMs: 5000,
      now: Date.now,
      ...opts,
    };
    this.name = opts.name;
    this.queue = new EntryQueue({
      ...this.o,
      onDropped: (n, since) =>
        this.o.onError?.(
          `audit ${this.name} target: queue full, ${n} entries dropped since ${since}`,
          undefined,
        ),
    });
    this.spool = new Spool({ dir: opts.queueDir, id: opts.stream });
    // Lines a killed process left are replayed; the spool adopts such directories every 15 s.
    this.timer = setInterval(() => this.kickSender(), Math.max(1000, this.o.batchIntervalMs));
    this.timer.unref();
    this.kickSender();
  }

  write(event: AuditEvent): void {
    const held = this.queue.length + this.unspooled.length + this.spool.pending;
    this.queue.push(event, !this.closed && held < this.o.queueSize);
    if (!this.closed) this.kickSpool();
  }

  stats(): TargetStats {
    const queued = this.queue.length + this.unspooled.length + this.spool.pending;
    return { queued, dropped: this.queue.dropped, written: this.written };
  }

  /** Resolves once everything written so far was delivered (it waits while the far side is down). */
  async flush(): Promise<void> {
    if (this.closed) return;
    await this.deliverAll();
  }

  /** Seals the stream with a checkpoint, delivers for up to closeTimeoutMs, and leaves the rest spooled. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.stopAt = Date.now() + this.o.closeTimeoutMs;
    const wake = setTimeout(() => this.notify(), this.o.closeTimeoutMs);
    await this.spooled();
    this.closed = true;
    if (this.queue.uncheckpointed) this.queue.pushCheckpoint();
    await this.spooled();
    await this.deliverAll();
    clearInterval(this.timer);
    clearTimeout(this.batchTimer);
    clearTimeout(wake);
    this.stopAt = 0;
    this.notify();
    await this.sending;
    await this.spool.close();
    await this.sender.close();
  }

  private async deliverAll(): Promise<void> {
    this.urgent++;
    try {
      while (this.queue.hasWork || this.unspooled.length > 0 || this.spool.pending > 0) {
        if (Date.now() >= this.stopAt) return;
        this.kickSpool();
        this.kickSender();
        await new Promise<void>((r) => this.waiters.push(r));
      }
    } finally {
      this.urgent--;
    }
  }

  /** Waits until the memory queue is in the spool (or the spool refuses and close gives up). */
  private async spooled(): Promise<void> {
    while (this.queue.hasWork || this.unspooled.length > 0) {
      if (Date.now() >= this.stopAt && this.spooling === undefined) return;
      await (this.spooling ?? this.drain());
    }
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private kickSpool(): void {
    if (this.scheduled || this.spooling !== undefined) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private drain(): Promise<void> {
    this.spooling ??= this.appendAll().finally(() => {
      this.spooling = undefined;
      if (!this.closed && (this.queue.hasWork || this.unspooled.length > 0)) this.kickSpool();
      this.notify();
      this.kickSender();
    });
    return this.spooling;
  }

  private async appendAll(): Promise<void> {
    try {
      while (this.unspooled.length > 0 || this.queue.hasWork) {
        if (this.unspooled.length === 0) this.unspooled = this.queue.take(DRAIN_BATCH);
        await this.spool.append(this.unspooled);
        this.unspooled = [];
      }
    } catch (e) {
      this.o.onError?.(`audit ${this.name} target: spool write failed, retrying`, e);
      await sleep(SPOOL_RETRY_MS);
    }
  }

  private kickSender(): void {
    if (this.sending !== undefined || this.stopAt === 0 || this.spool.pending === 0) return;
    if (this.urgent === 0 && this.failures === 0 && this.spool.pending < this.o.batchSize) {
      this.batchTimer ??= setTimeout(() => {
        this.batchTimer = undefined;
        this.startSending();
      }, this.o.batchIntervalMs);
      this.batchTimer.unref();
      return;
    }
    this.startSending();
  }

  private startSending(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.sending ??= this.sendAll().finally(() => {
      this.sending = undefined;
      this.notify();
      if (this.spool.pending > 0 && this.stopAt !== 0) this.kickSender();
    });
  }

  private async sendAll(): Promise<void> {
    while (this.stopAt !== 0) {
      let batch: Peeked | undefined;
      try {
        batch = await this.spool.peek(this.o.batchSize);
        if (batch === undefined) return;
        await this.sender.send(batch.lines);
      } catch (e) {
        if (++this.failures === 1)
          this.o.onError?.(`audit ${this.name} target: delivery failed, retrying with backoff`, e);
        this.notify();
        const delay = Math.min(this.o.retryMaxMs, this.o.retryMinMs * 2 ** Math.min(this.failures - 1, 20));
        await this.pause(delay);
        continue;
      }
      await this.spool
        .ack(batch)
        .catch((e) => this.o.onError?.(`audit ${this.name} target: spool cursor`, e));
      this.written += batch.lines.length;
      if (this.failures > 0)
        this.o.onError?.(
          `audit ${this.name} target: delivering again after ${this.failures} failures`,
          undefined,
        );
      this.failures = 0;
      this.notify();
    }
  }

  /** A backoff pause that close cuts short. */
  private async pause(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end && Date.now() < this.stopAt)
      await sleep(Math.min(100, Math.max(1, end - Date.now())));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
