import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { AuditKey } from '../chain.js';
import type { AuditEvent } from '../entry.js';
import { LineBuffer } from './line-buffer.js';
import { type Batch, EntryQueue } from './queue.js';
import type { AuditTarget, TargetStats } from './target.js';

/**
 * The file target (docs/audit.md "File target"): JSON lines, one file per writer process (so one
 * chain per file), rotated by size and age. `write` only queues: a bounded in-memory queue is
 * drained asynchronously in batches; each batch is one write followed by fdatasync (the fsync
 * policy: an entry is durable once the batch that holds it has been synced). A full queue counts
 * what it drops, and a `dropped` line says so once there is room again.
 */
export interface FileTargetOptions {
  /** A directory (files `audit-<node>.jsonl`) or a file path (`x.jsonl` → `x-<node>.jsonl`). */
  path: string;
  /** The writer's node id (host and pid): in the file name and every entry. */
  node: string;
  /** The chain's stream id (unique per writer and start). */
  stream: string;
  key: AuditKey;
  deploymentId?: string;
  /** Rotate once the file reaches this many bytes (default 100 MiB). */
  maxSize?: number;
  /** Rotate once the file is this old, in ms (default 24 h). */
  maxAgeMs?: number;
  /** Entries the queue holds before it drops (default 10 000). */
  queueSize?: number;
  /** A checkpoint every this many lines (default 1000). */
  checkpointEvery?: number;
  onError?: (message: string, err: unknown) => void;
  now?: () => number;
}

const BATCH = 1000;
const RETRY_MS = 1000;
/**
 * A batch starts at most this often, so that a busy server writes (and fdatasyncs) many entries
 * at a time rather than a few: an entry waits at most this long before its batch is written. A
 * full batch goes at once.
 */
export const BATCH_INTERVAL_MS = 10;

/** Where a target's files go: the directory, the name before the node id, the extension. */
export function fileLayout(path: string): { dir: string; base: string; ext: string } {
  const ext = extname(path);
  if (ext === '.jsonl' || ext === '.log' || ext === '.json')
    return { dir: dirname(path), base: basename(path, ext), ext };
  return { dir: path, base: 'audit', ext: '.jsonl' };
}

/** A file-name-safe timestamp: 20261201T125400123Z. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

export class FileTarget implements AuditTarget {
  readonly name = 'file';
  /** The file being written. */
  readonly activePath: string;
  private readonly o: Required<Omit<FileTargetOptions, 'deploymentId' | 'onError'>> & FileTargetOptions;
  private readonly layout: { dir: string; base: string; ext: string };
  private readonly queue: EntryQueue;
  private fh: FileHandle | undefined;
  private size = 0;
  private openedAt = 0;
  /** The batches' lines, one buffer reused: a batch is taken only once the one before is written. */
  private readonly buffer = new LineBuffer(BATCH * 1600);
  /** A batch whose write failed, written again first. */
  private pendingBuf: Batch | undefined;
  /** A seal is queued: the file ends at it. */
  private sealQueued = false;
  private written = 0;
  private draining: Promise<void> | undefined;
  private scheduled = false;
  /** When the last batch was taken (performance.now()). */
  private lastBatchAt = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: FileTargetOptions) {
    this.o = {
      maxSize: 100 * 1024 * 1024,
      maxAgeMs: 24 * 3_600_000,
      queueSize: 10_000,
      checkpointEvery: 1000,
      now: Date.now,
      ...opts,
    };
    this.layout = fileLayout(opts.path);
    this.activePath = join(this.layout.dir, `${this.layout.base}-${opts.node}${this.layout.ext}`);
    this.queue = new EntryQueue({
      ...this.o,
      onDropped: (n, since) =>
        this.o.onError?.(`audit file target: queue full, ${n} entries dropped since ${since}`, undefined),
    });
    mkdirSync(this.layout.dir, { recursive: true });
    // A file left by an earlier process of the same node id is another stream: set it aside.
    if (existsSync(this.activePath)) renameSync(this.activePath, this.rotatedPath());
    this.timer = setInterval(() => this.kick(), Math.min(this.o.maxAgeMs, 60_000));
    this.timer.unref();
  }

  write(event: AuditEvent): void {
    this.queue.push(event, !this.closed && this.queue.length < this.o.queueSize);
    if (!this.closed) this.kick();
  }

  stats(): TargetStats {
    return { queued: this.queue.length, dropped: this.queue.dropped, written: this.written };
  }

  async flush(): Promise<void> {
    if (this.closed) return; // sealed: what arrives now is counted as dropped
    while (this.draining !== undefined || this.queue.hasWork) {
      await (this.draining ?? this.drain());
      if (this.pendingBuf !== undefined) return; // the disk refuses: onError has said so
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    clearInterval(this.timer);
    await this.sealed();
  }

  private kick(): void {
    if (this.scheduled || this.draining !== undefined) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      void this.drain();
    };
    const wait = this.lastBatchAt + BATCH_INTERVAL_MS - performance.now();
    if (wait <= 0 || this.queue.length >= BATCH) setImmediate(go);
    else setTimeout(go, wait).unref();
  }

  private drain(): Promise<void> {
    this.draining ??= this.run().finally(() => {
      this.draining = undefined;
      if (!this.closed && this.queue.hasWork) this.kick();
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    try {
      const retry = this.pendingBuf;
      if (retry !== undefined) {
        await this.append(retry);
        if (retry.sealed) await this.rotate();
      }
      while (this.queue.hasWork || this.rotationDue()) {
        if (this.rotationDue()) {
          // The seal and the next file's opening checkpoint go through the queue, in chain order.
          this.queue.pushCheckpoint(true);
          this.queue.pushCheckpoint();
          this.sealQueued = true;
        }
        this.lastBatchAt = performance.now();
        const batch = this.queue.takeBatch(BATCH, this.buffer);
        if (batch.lines > 0) await this.append(batch);
        if (batch.sealed) await this.rotate();
      }
    } catch (e) {
      this.o.onError?.('audit file target: write failed, retrying', e);
      await new Promise((r) => setTimeout(r, RETRY_MS).unref());
    }
  }

  /** One write and one fdatasync; on failure the chained bytes are kept and written again. */
  private async append(buf: Batch): Promise<void> {
    this.pendingBuf = buf;
    const fh = await this.handle();
    await fh.write(buf.bytes);
    await fh.datasync();
    this.pendingBuf = undefined;
    this.size += buf.bytes.length;
    this.written += buf.lines;
  }

  private async handle(): Promise<FileHandle> {
    if (this.fh === undefined) {
      this.fh = await open(this.activePath, 'a', 0o600);
      this.size = (await this.fh.stat()).size;
      this.openedAt = this.o.now();
    }
    return this.fh;
  }

  private rotationDue(): boolean {
    if (this.fh === undefined || this.sealQueued || !this.queue.uncheckpointed) return false;
    return this.size >= this.o.maxSize || this.o.now() - this.openedAt >= this.o.maxAgeMs;
  }

  private rotatedPath(): string {
    const { dir, base, ext } = this.layout;
    let p = join(dir, `${base}-${this.o.node}-${stamp(this.o.now())}${ext}`);
    for (let i = 1; existsSync(p); i++)
      p = join(dir, `${base}-${this.o.node}-${stamp(this.o.now())}-${i}${ext}`);
    return p;
  }

  /** The sealed file closed and renamed aside; the next write opens a new one. */
  private async rotate(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.sealQueued = false;
    await fh?.close();
    renameSync(this.activePath, this.rotatedPath());
  }

  /** A closing checkpoint (when lines were made since the last), written with what is left; the file closed. */
  private async sealed(): Promise<void> {
    if (this.fh === undefined) return;
    if (this.pendingBuf !== undefined) await this.append(this.pendingBuf);
    if (this.queue.uncheckpointed) this.queue.pushCheckpoint();
    const batch = this.queue.takeBatch(Number.POSITIVE_INFINITY, this.buffer);
    if (batch.lines > 0) await this.append(batch);
    await this.fh.close();
    this.fh = undefined;
  }
}
