import { type AuditKey, Chain, type LineSink } from '../chain.js';
import type { AuditEvent, EntryContext } from '../entry.js';
import { auditEntryFields } from '../entry-json.js';
import { LineBuffer } from './line-buffer.js';

/**
 * What every target shares (docs/audit.md): a bounded in-memory queue of what is to be chained —
 * request events, checkpoints, `dropped` notes — and the one stream's chain that turns them into
 * lines when a batch is taken. `push` never waits and never throws: it queues the event, or, when
 * there is no room, counts it; the next event that finds room is preceded by a `dropped` line
 * saying how many and since when. Lines are made a batch at a time in the target's drain (entry
 * JSON, chain link, UTF-8 bytes), not on the request's path: run together, a batch's lines cost
 * about half what the same lines cost made one by one between requests (docs/benchmarks.md).
 * The events queued are the request's finished event objects, which nothing changes any more.
 */
export interface EntryQueueOptions {
  node: string;
  stream: string;
  key: AuditKey;
  deploymentId?: string;
  /** A checkpoint every this many lines. */
  checkpointEvery: number;
  now: () => number;
  /** Told once per `dropped` line queued (the target logs it). */
  onDropped?: (count: number, since: string) => void;
}

/** What a `dropped` line says. */
interface DroppedNote {
  time: string;
  count: number;
  since: string;
}

export class EntryQueue {
  readonly chain: Chain;
  private readonly o: EntryQueueOptions;
  private readonly ctx: EntryContext;
  /** Per item: an event (ENTRY), a `dropped` note (DROPPED), nothing (CHECKPOINT, SEAL). */
  private items: (AuditEvent | DroppedNote | undefined)[] = [];
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
    return this.items.length > 0 || this.lost > 0;
  }

  /** Whether lines made or queued are not yet followed by a checkpoint (queued or made). */
  get uncheckpointed(): boolean {
    const n = this.kinds.length;
    if (n === 0) return this.chain.pending > 0 || this.lost > 0;
    const last = this.kinds[n - 1];
    return last !== CHECKPOINT && last !== SEAL;
  }

  /** Queues the event, or (no room: the target is full or closed) counts it as dropped. */
  push(event: AuditEvent, room: boolean): void {
    if (!room) {
      this.countLost();
      return;
    }
    if (this.lost > 0) this.noteLost();
    this.items.push(event);
    this.kinds.push(ENTRY);
    this.entries++;
  }

  /**
   * Queues a signed checkpoint of the chain head (made when its batch is taken, so that lines
   * reach the target in chain order). `seal`: the checkpoint ends a file (takeBatch stops after
   * it, so that the writer can rotate there).
   */
  pushCheckpoint(seal = false): void {
    this.items.push(undefined);
    this.kinds.push(seal ? SEAL : CHECKPOINT);
  }

  private countLost(): void {
    this.lost++;
    this.droppedTotal++;
    this.lostSince ??= this.o.now();
  }

  /**
   * The entry's JSON fields; an event that cannot be written (a bug, never expected) is counted
   * as dropped instead, before its line takes a place in the chain: the next batch says so.
   */
  private fieldsOf(event: AuditEvent): string | undefined {
    try {
      return auditEntryFields(event, this.ctx);
    } catch {
      this.countLost();
      return undefined;
    }
  }

  /** The `dropped` line for what was lost since the last one. */
  private noteLost(): void {
    const now = this.o.now();
    const since = new Date(this.lostSince ?? now).toISOString();
    this.items.push({ time: new Date(now).toISOString(), count: this.lost, since });
    this.kinds.push(DROPPED);
    this.o.onDropped?.(this.lost, since);
    this.lost = 0;
    this.lostSince = undefined;
  }

  /**
   * Up to `max` entries' lines as one buffer of newline-ended lines, with the checkpoints and
   * `dropped` lines among them and the checkpoint right after the last entry taken; it stops
   * after a seal (`sealed` says so). The lines go into `out` (emptied first: the caller is done
   * with the batch it held), or a new buffer.
   */
  takeBatch(max: number, out?: LineBuffer): Batch {
    const [items, kinds, sealed] = this.cut(max);
    const buf = out ?? new LineBuffer(items.length * 1600);
    buf.clear();
    this.chainInto(items, kinds, buf);
    return { bytes: buf.bytes, lines: buf.lines, sealed };
  }

  /** Up to `max` entries' lines (as takeBatch), as text without newlines. */
  take(max: number): string[] {
    const [items, kinds] = this.cut(max);
    const lines: string[] = [];
    this.chainInto(items, kinds, {
      add: (text) => {
        lines.push(text);
        return text;
      },
    });
    return lines;
  }

  /** The items of the next batch, taken off the queue. */
  private cut(max: number): [(AuditEvent | DroppedNote | undefined)[], number[], boolean] {
    if (this.lost > 0) this.noteLost();
    const all = this.items;
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
      this.items = [];
      this.kinds = [];
      return [all, kinds, sealed];
    }
    return [all.splice(0, i), kinds.splice(0, i), sealed];
  }

  /** The items' lines, in order, into `out`; a checkpoint every `checkpointEvery` lines. */
  private chainInto(items: (AuditEvent | DroppedNote | undefined)[], kinds: number[], out: LineSink): void {
    const chain = this.chain;
    for (let i = 0; i < items.length; i++) {
      const k = kinds[i];
      if (k === ENTRY) {
        const fields = this.fieldsOf(items[i] as AuditEvent);
        if (fields === undefined) continue;
        chain.fieldsTo(fields, out);
      } else if (k === DROPPED) {
        const d = items[i] as DroppedNote;
        chain.recordTo(
          { type: 'dropped', time: d.time, node: this.o.node, count: d.count, since: d.since },
          out,
        );
      } else {
        chain.checkpointTo(new Date(this.o.now()), out);
        continue;
      }
      if (chain.pending >= this.o.checkpointEvery) chain.checkpointTo(new Date(this.o.now()), out);
    }
  }
}

const CHECKPOINT = 0;
const ENTRY = 1;
const SEAL = 2;
const DROPPED = 3;

export interface Batch {
  /** The lines, in chain order, each followed by a newline. */
  bytes: Buffer;
  /** How many lines. */
  lines: number;
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
