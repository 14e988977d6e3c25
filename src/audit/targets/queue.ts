import { type AuditKey, Chain } from '../chain.js';
import type { AuditEvent, EntryContext } from '../entry.js';
import { auditEntryFields } from '../entry-json.js';

/**
 * What every target shares (docs/audit.md): a bounded in-memory queue of chained lines, and the
 * one stream's chain that makes them. `push` never waits and never throws: it turns the event
 * into its line at once (entry JSON, chain link, UTF-8 bytes; a few microseconds, so that the
 * queue holds bytes rather than the request's objects), or, when there is no room, counts it;
 * the next line that finds room is preceded by a `dropped` line saying how many and since when.
 */
export interface EntryQueueOptions {
  node: string;
  stream: string;
  key: AuditKey;
  deploymentId?: string;
  /** A checkpoint every this many lines. */
  checkpointEvery: number;
  now: () => number;
  /** Told once per `dropped` line made (the target logs it). */
  onDropped?: (count: number, since: string) => void;
}

export class EntryQueue {
  readonly chain: Chain;
  private readonly o: EntryQueueOptions;
  private readonly ctx: EntryContext;
  private lines: Buffer[] = [];
  /** Per line: what it is (ENTRY, MARK: a checkpoint or a `dropped` line, SEAL: a file's last). */
  private kinds: number[] = [];
  /** Entries waiting. */
  private entries = 0;
  private lost = 0;
  private lostSince: number | undefined;
  private droppedTotal = 0;

  constructor(o: EntryQueueOptions) {
    this.o = o;
    this.chain = new Chain(o.stream, o.key);
    this.ctx = { node: o.node, ...(o.deploymentId === undefined ? {} : { deploymentId: o.deploymentId }) };
  }

  /** Entries waiting to be taken. */
  get length(): number {
    return this.entries;
  }

  /** Events dropped since the start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Lines waiting, or a drop not yet reported. */
  get hasWork(): boolean {
    return this.lines.length > 0 || this.lost > 0;
  }

  /** Queues the event's line, or (no room: the target is full or closed) counts it as dropped. */
  push(event: AuditEvent, room: boolean): void {
    if (!room) {
      this.lost++;
      this.droppedTotal++;
      this.lostSince ??= this.o.now();
      return;
    }
    if (this.lost > 0) this.reportLost();
    this.lines.push(this.chain.bytesOfFields(auditEntryFields(event, this.ctx)));
    this.kinds.push(ENTRY);
    this.entries++;
    if (this.chain.pending >= this.o.checkpointEvery) this.pushCheckpoint();
  }

  /**
   * Queues a signed checkpoint of the chain head. Checkpoints go through the queue like every
   * line, so that lines reach the target in chain order. `seal`: the checkpoint ends a file
   * (takeBatch stops after it, so that the writer can rotate there).
   */
  pushCheckpoint(seal = false): void {
    this.lines.push(Buffer.from(this.chain.checkpoint(new Date(this.o.now()))));
    this.kinds.push(seal ? SEAL : MARK);
  }

  /** The `dropped` line for what was lost since the last one. */
  private reportLost(): void {
    const now = this.o.now();
    const since = new Date(this.lostSince ?? now).toISOString();
    const line = this.chain.line({
      type: 'dropped',
      time: new Date(now).toISOString(),
      node: this.o.node,
      count: this.lost,
      since,
    });
    this.lines.push(Buffer.from(line));
    this.kinds.push(MARK);
    this.o.onDropped?.(this.lost, since);
    this.lost = 0;
    this.lostSince = undefined;
  }

  /**
   * Up to `max` entries' lines, with the checkpoints and `dropped` lines among them and the
   * checkpoint right after the last entry taken; it stops after a seal (`sealed` says so).
   */
  takeBatch(max: number): Batch {
    if (this.lost > 0 && this.lines.length === 0) this.reportLost();
    const all = this.lines;
    const kinds = this.kinds;
    let n = 0;
    let i = 0;
    let sealed = false;
    while (i < all.length && n < max && !sealed) {
      const k = kinds[i++];
      if (k === ENTRY) n++;
      else if (k === SEAL) sealed = true;
    }
    while (!sealed && i < all.length && kinds[i] !== ENTRY) if (kinds[i++] === SEAL) sealed = true;
    this.entries -= n;
    if (i === all.length) {
      this.lines = [];
      this.kinds = [];
      return { lines: all, sealed };
    }
    kinds.splice(0, i);
    return { lines: all.splice(0, i), sealed };
  }

  /** Up to `max` entries' lines (takeBatch), as text. */
  take(max: number): string[] {
    return this.takeBatch(max).lines.map((b) => b.toString('utf8'));
  }
}

const MARK = 0;
const ENTRY = 1;
const SEAL = 2;

export interface Batch {
  /** The lines, in chain order, without newlines. */
  lines: Buffer[];
  /** Whether the last line is a seal: the file ends there. */
  sealed: boolean;
}

/** A line's dedup id, `<stream>-<seq>` (every line carries both). */
export function lineId(line: string): string {
  const l = JSON.parse(line) as { stream?: unknown; seq?: unknown };
  return `${String(l.stream)}-${String(l.seq)}`;
}

/** How many lines a text of newline-ended lines holds. */
export function countLines(buf: string): number {
  let n = 0;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n', i + 1)) n++;
  return n;
}
