import { type AuditKey, Chain } from '../chain.js';
import type { AuditEvent, EntryContext } from '../entry.js';
import { auditEntryFields } from '../entry-json.js';

/**
 * What every target shares (docs/audit.md): a bounded in-memory queue of request events, and the
 * one stream's chain that turns them into lines. `push` never waits and never throws; an event
 * that finds no room is counted, and the next `take` starts with a `dropped` line saying how many
 * and since when. Entries are built, redacted and chained in `take` (the drain), never on the
 * request's path.
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
  private events: AuditEvent[] = [];
  private lost = 0;
  private lostSince: number | undefined;
  private droppedTotal = 0;

  constructor(o: EntryQueueOptions) {
    this.o = o;
    this.chain = new Chain(o.stream, o.key);
    this.ctx = { node: o.node, ...(o.deploymentId === undefined ? {} : { deploymentId: o.deploymentId }) };
  }

  /** Events waiting to be taken. */
  get length(): number {
    return this.events.length;
  }

  /** Events dropped since the start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Events or a drop waiting to be turned into lines. */
  get hasWork(): boolean {
    return this.events.length > 0 || this.lost > 0;
  }

  /** Queues the event, or (no room: the target is full or closed) counts it as dropped. */
  push(event: AuditEvent, room: boolean): void {
    if (!room) {
      this.lost++;
      this.droppedTotal++;
      this.lostSince ??= this.o.now();
      return;
    }
    this.events.push(event);
  }

  /** Up to `max` events as chained lines: a `dropped` line first when any were lost, checkpoints every N. */
  take(max: number): string[] {
    const lines: string[] = [];
    if (this.lost > 0) {
      const now = this.o.now();
      const since = new Date(this.lostSince ?? now).toISOString();
      lines.push(
        this.chain.line({
          type: 'dropped',
          time: new Date(now).toISOString(),
          node: this.o.node,
          count: this.lost,
          since,
        }),
      );
      this.o.onDropped?.(this.lost, since);
      this.lost = 0;
      this.lostSince = undefined;
    }
    for (const e of this.events.splice(0, max)) {
      lines.push(this.chain.lineOfFields(auditEntryFields(e, this.ctx)));
      if (this.chain.pending >= this.o.checkpointEvery) lines.push(this.chain.checkpoint());
    }
    return lines;
  }

  /** A signed checkpoint of the chain head, as a line. */
  checkpoint(): string {
    return this.chain.checkpoint(new Date(this.o.now()));
  }
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
