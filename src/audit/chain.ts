import { createHmac, hash, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Tamper evidence (docs/audit.md "Chain and checkpoints"). Every line of a stream (one writer:
 * one process's file target) carries `stream`, `seq` (1, 2, …) and `prevHash`, the SHA-256 (hex)
 * of the previous line's exact bytes (without its newline); line 1's prevHash is the stream's
 * genesis value. Every `checkpointEvery` lines, at rotation and on close, a checkpoint line
 * `{type:'checkpoint', stream, seq, time, hash, keyId, sig}` signs the chain head: `hash` is the
 * SHA-256 of the previous line, `sig` the HMAC-SHA256 of `checkpointMessage(…)` under the audit
 * key (HKDF-SHA256 of the master key). Checkpoints are links of the chain themselves.
 */

/** The prevHash of a stream's first line. */
export function genesisHash(stream: string): string {
  return sha256(`tessera-audit-genesis-v1\n${stream}`);
}

export function sha256(line: string): string {
  // One-shot crypto.hash (Node ≥ 20.12): about half the cost of createHash for a line.
  return hash('sha256', line, 'hex');
}

/** The checkpoint signing key: 32 bytes derived from key material (the master key) with an id. */
export interface AuditKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The audit signing key: HKDF-SHA256(master key, salt "tessera-audit", info "checkpoint-v1").
 * Its id names the master key it came from (`<master key id>/audit-v1`), never the key itself.
 */
export function deriveAuditKey(masterKeyId: string, masterKey: Uint8Array): AuditKey {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'tessera-audit', 'checkpoint-v1', 32));
  return { id: `${masterKeyId}/audit-v1`, key };
}

/** What a checkpoint's signature covers. */
export function checkpointMessage(stream: string, seq: number, hash: string): string {
  return `tessera-audit-checkpoint-v1\n${stream}\n${seq}\n${hash}`;
}

export function signCheckpoint(key: AuditKey, stream: string, seq: number, hash: string): string {
  return createHmac('sha256', key.key)
    .update(checkpointMessage(stream, seq, hash))
    .digest('hex');
}

export function checkSignature(
  key: AuditKey,
  stream: string,
  seq: number,
  hash: string,
  sig: string,
): boolean {
  const want = Buffer.from(signCheckpoint(key, stream, seq, hash), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface Checkpoint {
  type: 'checkpoint';
  stream: string;
  seq: number;
  time: string;
  hash: string;
  keyId: string;
  sig: string;
}

/**
 * Where a chain's lines go. `add` keeps the line's text (no newline) and returns what it kept:
 * the text itself, or its UTF-8 bytes as written; the chain takes its hash of that.
 */
export interface LineSink {
  add(text: string): string | Uint8Array;
}

/**
 * A stream's chain: turns records into lines, in order. Not safe for concurrent use: one writer
 * owns it (a target's drain).
 */
export class Chain {
  readonly stream: string;
  private readonly key: AuditKey;
  private seq = 0;
  private head: string;
  private sinceCheckpoint = 0;
  /** The stream id as a JSON string, made once. */
  private readonly quoted: string;

  constructor(stream: string, key: AuditKey) {
    this.stream = stream;
    this.key = key;
    this.head = genesisHash(stream);
    this.quoted = JSON.stringify(stream);
  }

  /** The seq of the last line made (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Lines made since the last checkpoint. */
  get pending(): number {
    return this.sinceCheckpoint;
  }

  /** A record as its chained line (no newline): `stream`, `seq`, `prevHash` first, then its fields. */
  line(record: object): string {
    return this.lineOf(JSON.stringify(record));
  }

  /** `line` for a record already in JSON (an object's text, `{…}`). */
  lineOf(json: string): string {
    return this.lineOfFields(json === '{}' ? '' : json.slice(1, -1));
  }

  /** `line` for a record's fields in JSON, without the braces (`"a":1,"b":2`; '' for none). */
  lineOfFields(fields: string): string {
    const text = this.nextText(fields);
    this.link(text);
    this.sinceCheckpoint++;
    return text;
  }

  /** lineOfFields, the line handed to `out` (and its hash taken of what `out` kept). */
  fieldsTo(fields: string, out: LineSink): void {
    this.link(out.add(this.nextText(fields)));
    this.sinceCheckpoint++;
  }

  /** `line`, handed to `out`. */
  recordTo(record: object, out: LineSink): void {
    const json = JSON.stringify(record);
    this.fieldsTo(json === '{}' ? '' : json.slice(1, -1), out);
  }

  /** The next line's text: the chain fields, then the record's. */
  private nextText(fields: string): string {
    const head = `{"stream":${this.quoted},"seq":${this.seq + 1},"prevHash":"${this.head}"`;
    return fields === '' ? `${head}}` : `${head},${fields}}`;
  }

  /** A signed checkpoint of the chain head, as a line. */
  checkpoint(now = new Date()): string {
    const text = this.checkpointText(now);
    this.link(text);
    this.sinceCheckpoint = 0;
    return text;
  }

  /** `checkpoint`, handed to `out`. */
  checkpointTo(now: Date, out: LineSink): void {
    this.link(out.add(this.checkpointText(now)));
    this.sinceCheckpoint = 0;
  }

  private checkpointText(now: Date): string {
    const seq = this.seq + 1;
    const cp: Checkpoint = {
      type: 'checkpoint',
      stream: this.stream,
      seq,
      time: now.toISOString(),
      hash: this.head,
      keyId: this.key.id,
      sig: signCheckpoint(this.key, this.stream, seq, this.head),
    };
    return JSON.stringify(cp);
  }

  /** The line just made becomes the head: its hash taken of the text or of its UTF-8 bytes. */
  private link(kept: string | Uint8Array): void {
    this.seq++;
    this.head = hash('sha256', kept, 'hex');
  }
}
