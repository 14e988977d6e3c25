import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, open, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countLines } from './queue.js';

/**
 * The on-disk queue of a remote target (docs/audit.md "Webhook target"): chained lines are
 * appended to segment files (`seg-<n>.ndjson`, one write and one fdatasync per batch) before they
 * are sent, and the read position moves on (`cursor`) only once the far side acknowledged them.
 * Each writer process has its own subdirectory `<dir>/<id>/` with an `owner` file (its pid and
 * start time); a subdirectory whose owner is gone is adopted (at start and every 15 s) whole, moved under `<own>/adopted/` by one rename (so two processes never
 * both take it), and replayed before the writer's own lines. What a crash cut short (a line
 * without its newline) is never sent.
 */
export interface SpoolOptions {
  /** The target's queue directory (one per host: pids are this host's). */
  dir: string;
  /** This writer's id (its stream): the subdirectory it owns. */
  id: string;
  /** A new segment once the current one reaches this many bytes (default 1 MiB). */
  segmentBytes?: number;
}

/** Lines read by `peek`: `ack` moves past them. */
export interface Peeked {
  readonly lines: string[];
  readonly source: Source;
  readonly bytes: number;
}

interface Source {
  dir: string;
  /** Segment names, oldest first. */
  segments: string[];
  /** Read position in segments[0]. */
  offset: number;
  /** Lines not yet acknowledged. */
  lines: number;
  own: boolean;
}

const RESCAN_MS = 15_000;
const CHUNK = 256 * 1024;

function segName(n: number): string {
  return `seg-${String(n).padStart(10, '0')}.ndjson`;
}

/** When a process started (Linux: /proc/<pid>/stat field 22), so that a reused pid is not taken for its owner. */
function processStart(pid: number): string | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ...rest] = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' || state === 'X' ? 'gone' : rest[18]; // a zombie is gone
  } catch {
    return undefined;
  }
}

function ownerAlive(dir: string): boolean {
  let owner: { pid?: unknown; start?: unknown };
  try {
    owner = JSON.parse(readFileSync(join(dir, 'owner'), 'utf8')) as typeof owner;
  } catch {
    return false;
  }
  if (typeof owner.pid !== 'number') return false;
  if (typeof owner.start === 'string' && existsSync('/proc/self/stat'))
    return processStart(owner.pid) === owner.start;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Complete lines (and their bytes) of a segment's text. */
function completeLines(text: string, max: number): { lines: string[]; bytes: number } {
  const lines: string[] = [];
  let at = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && lines.length < max; nl = text.indexOf('\n', at)) {
    if (nl > at) lines.push(text.slice(at, nl));
    at = nl + 1;
  }
  return { lines, bytes: Buffer.byteLength(text.slice(0, at)) };
}

export class Spool {
  private readonly segmentBytes: number;
  private readonly root: string;
  private readonly own: Source;
  private sources: Source[] = [];
  private counter = 0;
  private fh: FileHandle | undefined;
  /** Bytes of the active segment known to be written and synced. */
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: SpoolOptions) {
    this.segmentBytes = o.segmentBytes ?? 1024 * 1024;
    this.root = join(o.dir, o.id);
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(this.root)) {
      // The owner file is in place before the directory can be seen: never taken for an orphan.
      const tmp = join(o.dir, `.new-${o.id}`);
      mkdirSync(tmp, { recursive: true, mode: 0o700 });
      const owner = { pid: process.pid, start: processStart(process.pid) };
      writeFileSync(join(tmp, 'owner'), JSON.stringify(owner), { mode: 0o600 });
      renameSync(tmp, this.root);
    }
    this.own = { dir: this.root, segments: [], offset: 0, lines: 0, own: true };
    this.adopt();
    this.timer = setInterval(() => this.tick(), RESCAN_MS);
    this.timer.unref();
  }

  /** Lines spooled and not yet acknowledged. */
  get pending(): number {
    return this.sources.reduce((n, s) => n + s.lines, 0) + this.own.lines;
  }

  /** Appends lines: one write, one fdatasync. On failure the segment is cut back and it throws. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    if (this.fh !== undefined && this.size >= this.segmentBytes) {
      await this.fh.close();
      this.fh = undefined;
    }
    if (this.fh === undefined) {
      const name = segName(++this.counter);
      this.fh = await open(join(this.root, name), 'a', 0o600);
      syncDir(this.root);
      this.own.segments.push(name);
      this.size = 0;
    }
    try {
      await this.fh.write(text);
      await this.fh.datasync();
    } catch (e) {
      await this.fh.truncate(this.size).catch(() => {});
      throw e;
    }
    this.size += Buffer.byteLength(text);
    this.own.lines += lines.length;
  }

  /** The oldest unacknowledged lines (up to `max`): the same again until `ack`. */
  async peek(max: number): Promise<Peeked | undefined> {
    for (const source of [...this.sources, this.own]) {
      while (source.segments.length > 0) {
        const seg = source.segments[0]!;
        const active = source.own && seg === source.segments.at(-1);
        const text = await this.read(join(source.dir, seg), source.offset, active ? this.size : undefined);
        const { lines, bytes } = completeLines(text, max);
        if (lines.length > 0) return { lines, source, bytes };
        if (active) break;
        await this.finishSegment(source); // read to its end (or only a cut-short line is left)
      }
      if (!source.own && source.segments.length === 0) await this.drop(source);
    }
    for (const s of this.sources) s.lines = 0; // nothing readable is left (a cut-short line is not counted)
    return undefined;
  }

  /** The far side has the peeked lines: move past them (and remove what is done). */
  async ack(p: Peeked): Promise<void> {
    const s = p.source;
    s.offset += p.bytes;
    s.lines = Math.max(0, s.lines - p.lines.length);
    const seg = s.segments[0];
    if (seg === undefined) return;
    await writeFile(join(s.dir, 'cursor'), `${seg} ${s.offset}\n`).catch(() => {});
  }

  /** Stops; a spool with nothing left is removed, anything else waits for the next process. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.fh?.close();
    this.fh = undefined;
    if (this.pending === 0) await rm(this.root, { recursive: true, force: true });
  }

  private async read(path: string, offset: number, limit: number | undefined): Promise<string> {
    const fh = await open(path, 'r');
    try {
      const end = limit ?? (await fh.stat()).size;
      for (let want = CHUNK; ; want *= 2) {
        const len = Math.max(0, Math.min(want, end - offset));
        const buf = Buffer.alloc(len);
        const { bytesRead } = await fh.read(buf, 0, len, offset);
        const text = buf.subarray(0, bytesRead).toString('utf8');
        if (text.includes('\n') || offset + len >= end) return text;
      }
    } finally {
      await fh.close();
    }
  }

  private async finishSegment(s: Source): Promise<void> {
    const seg = s.segments.shift()!;
    s.offset = 0;
    await unlink(join(s.dir, seg)).catch(() => {});
    if (s.segments.length === 0) s.lines = 0;
  }

  private async drop(s: Source): Promise<void> {
    this.sources = this.sources.filter((x) => x !== s);
    await rm(s.dir, { recursive: true, force: true });
  }

  private tick(): void {
    try {
      this.adopt();
    } catch {
      /* the next tick tries again */
    }
  }

  /** Takes over the subdirectories of writers that are gone, and lists what they left. */
  private adopt(): void {
    const into = join(this.root, 'adopted');
    for (const name of readdirSync(this.o.dir)) {
      const dir = join(this.o.dir, name);
      if (name.startsWith('.') || name === this.o.id) continue;
      try {
        if (!statSync(dir).isDirectory() || ownerAlive(dir)) continue;
        mkdirSync(into, { recursive: true, mode: 0o700 });
        renameSync(dir, join(into, name));
      } catch {
        continue; // another process took it first
      }
      this.sources.push(...collect(join(into, name)));
    }
  }
}

/** A dead writer's directory as sources, the ones it had adopted first. */
function collect(dir: string): Source[] {
  const adopted = join(dir, 'adopted');
  const nested = existsSync(adopted) ? readdirSync(adopted).sort() : [];
  const segments = readdirSync(dir)
    .filter((f) => /^seg-\d+\.ndjson$/.test(f))
    .sort();
  let offset = 0;
  try {
    const [seg, at] = readFileSync(join(dir, 'cursor'), 'utf8').trim().split(' ');
    const i = segments.indexOf(seg ?? '');
    if (i >= 0) {
      segments.splice(0, i);
      offset = Number(at) || 0;
    }
  } catch {
    /* no cursor: from the start */
  }
  let lines = 0;
  segments.forEach((seg, i) => {
    lines += countLines(
      readFileSync(join(dir, seg))
        .subarray(i === 0 ? offset : 0)
        .toString('utf8'),
    );
  });
  const self: Source = { dir, segments, offset, lines, own: false };
  return [...nested.flatMap((n) => collect(join(adopted, n))), self];
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    /* not every file system syncs directories */
  }
}
