import { type AuditKey, checkSignature, genesisHash, sha256 } from './chain.js';
import { firstLine, readLines } from './lines.js';

/**
 * `verifyFiles(paths)`: checks the chains of audit files (docs/audit.md "Verifying"): every line
 * parses, every stream's seq runs 1, 2, … without a gap or a step back, every prevHash (and every
 * checkpoint's hash) is the SHA-256 of the line before, and every checkpoint's signature holds
 * under the audit keys given. Stops at the first problem, with its file and line number.
 */
export interface VerifyProblem {
  file: string;
  line: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** Entries the writers said they dropped (`dropped` lines). */
  dropped: number;
  streams: number;
  /** Checkpoints whose signature was checked (needs the key). */
  signaturesChecked: number;
  problem?: VerifyProblem;
  /** Facts that are not failures: a stream whose earlier files were not given, an unsealed file. */
  notes: string[];
}

interface Line {
  stream?: unknown;
  seq?: unknown;
  prevHash?: unknown;
  type?: unknown;
  hash?: unknown;
  keyId?: unknown;
  sig?: unknown;
  count?: unknown;
}

interface StreamState {
  seq: number;
  head: string;
  /** Where the line before is, for messages. */
  file: string;
  line: number;
  lastWasCheckpoint: boolean;
}

class Problem extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Files ordered by stream and first seq, so that rotated files are read in chain order. */
async function ordered(paths: readonly string[]): Promise<string[]> {
  const heads = await Promise.all(
    paths.map(async (p, i) => {
      let stream = '';
      let seq = 0;
      try {
        const l = JSON.parse((await firstLine(p)) ?? '{}') as Line;
        if (typeof l.stream === 'string') stream = l.stream;
        if (typeof l.seq === 'number') seq = l.seq;
      } catch {
        /* reported when the file is read */
      }
      return { p, i, stream, seq };
    }),
  );
  const rank = new Map<string, number>();
  for (const h of heads) if (!rank.has(h.stream)) rank.set(h.stream, h.i);
  heads.sort((a, b) => rank.get(a.stream)! - rank.get(b.stream)! || a.seq - b.seq || a.i - b.i);
  return heads.map((h) => h.p);
}

export async function verifyFiles(
  paths: readonly string[],
  opts: { keys?: readonly AuditKey[] } = {},
): Promise<VerifyReport> {
  const report: VerifyReport = {
    ok: true,
    entries: 0,
    checkpoints: 0,
    dropped: 0,
    streams: 0,
    signaturesChecked: 0,
    notes: [],
  };
  const keys = new Map((opts.keys ?? []).map((k) => [k.id, k]));
  const streams = new Map<string, StreamState>();
  try {
    for (const file of await ordered(paths)) {
      for await (const { n, text } of readLines(file)) verifyLine(file, n, text, streams, keys, report);
    }
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    report.ok = false;
    report.problem = { file: e.file, line: e.line, message: e.message };
  }
  report.streams = streams.size;
  for (const [stream, s] of streams)
    if (!s.lastWasCheckpoint)
      report.notes.push(
        `stream ${stream} ends at ${s.file}:${s.line} without a checkpoint (still being written?)`,
      );
  return report;
}

function verifyLine(
  file: string,
  n: number,
  text: string,
  streams: Map<string, StreamState>,
  keys: Map<string, AuditKey>,
  report: VerifyReport,
): void {
  const fail = (message: string): never => {
    throw new Problem(file, n, message);
  };
  if (text === '') fail('blank line (inserted, or a line was emptied)');
  let l: Line = {};
  try {
    l = JSON.parse(text) as Line;
  } catch {
    fail('not valid JSON: the line was modified or cut short');
  }
  if (typeof l.stream !== 'string' || typeof l.seq !== 'number' || !Number.isInteger(l.seq))
    fail('no stream or seq: not an audit line, or modified');
  const stream = l.stream as string;
  const seq = l.seq as number;
  const checkpoint = l.type === 'checkpoint';
  const linked = checkpoint ? l.hash : l.prevHash;
  let s = streams.get(stream);
  if (s === undefined) {
    if (seq === 1) {
      if (linked !== genesisHash(stream))
        fail(`seq 1 of stream ${stream} does not start from its genesis hash`);
    } else if (checkpoint) {
      report.notes.push(`stream ${stream} starts at seq ${seq} in ${file}: its earlier files were not given`);
    } else {
      fail(`stream ${stream} starts at seq ${seq} without a checkpoint: the lines before it are missing`);
    }
    s = { seq: seq - 1, head: String(linked), file, line: n, lastWasCheckpoint: false };
    streams.set(stream, s);
  } else if (seq !== s.seq + 1) {
    fail(
      seq <= s.seq
        ? `seq ${seq} after seq ${s.seq} (${s.file}:${s.line}): lines reordered or repeated`
        : `expected seq ${s.seq + 1}, found seq ${seq}: line(s) missing or reordered`,
    );
  } else if (linked !== s.head) {
    fail(
      `${checkpoint ? 'hash' : 'prevHash'} does not match the line before (${s.file}:${s.line}): ` +
        'that line was modified, or this one',
    );
  }
  if (checkpoint) {
    report.checkpoints++;
    const key = typeof l.keyId === 'string' ? keys.get(l.keyId) : undefined;
    if (key !== undefined) {
      if (!checkSignature(key, stream, seq, String(l.hash), String(l.sig)))
        fail('checkpoint signature is wrong');
      report.signaturesChecked++;
    } else if (keys.size > 0) {
      fail(`checkpoint signed with an unknown key id ${JSON.stringify(l.keyId)}`);
    }
  } else if (l.type === 'dropped') {
    report.dropped += typeof l.count === 'number' ? l.count : 0;
  } else {
    report.entries++;
  }
  s.seq = seq;
  s.head = sha256(text);
  s.file = file;
  s.line = n;
  s.lastWasCheckpoint = checkpoint;
}
