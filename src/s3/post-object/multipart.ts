import type { Readable } from 'node:stream';
import { TesseraError } from '../../core/index.js';

/** "The body of your POST request is not well-formed multipart/form-data." */
export function malformedPost(): TesseraError {
  return new TesseraError('MalformedPOSTRequest');
}

/** A part's header block is at most this long (browsers send two short lines). */
export const MAX_PART_HEADERS = 8 * 1024;
/** Bytes before the first boundary ("preamble", RFC 2046 §5.1.1) that are skipped. */
export const MAX_PREAMBLE = 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** One part's headers, names lower-cased; the body is read with `body()`. */
export type PartHeaders = ReadonlyMap<string, string>;

type State = 'start' | 'delimiter' | 'headers' | 'body' | 'done';

/**
 * A streaming reader of a multipart body (RFC 2046 §5.1, RFC 7578): parts one at a time, each
 * body as a stream of chunks, with bounded buffering (the boundary's length plus one chunk). It
 * pulls from `source` only as its caller reads; a body cut short, a missing CRLF after a
 * delimiter or an oversized header block is MalformedPOSTRequest.
 * @example
 * const r = new MultipartReader(req.body, boundary);
 * for (let h = await r.nextPart(); h; h = await r.nextPart()) for await (const c of r.body()) …
 */
export class MultipartReader {
  readonly #it: AsyncIterator<Buffer | string>;
  readonly #dashBoundary: Buffer;
  /** CRLF "--" boundary: what ends a part's body. */
  readonly #delimiter: Buffer;
  #buf: Buffer = Buffer.alloc(0);
  #state: State = 'start';
  /** Bytes of the body consumed so far (parsed and handed on, or skipped). */
  position = 0;

  constructor(source: Readable, boundary: string) {
    this.#it = source[Symbol.asyncIterator]();
    this.#dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
    this.#delimiter = Buffer.concat([CRLF, this.#dashBoundary]);
  }

  /** Reads one more chunk into the buffer; false at the end of the body. */
  async #more(): Promise<boolean> {
    const r = await this.#it.next();
    if (r.done) return false;
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    return true;
  }

  #advance(n: number): void {
    this.#buf = this.#buf.subarray(n);
    this.position += n;
  }

  /** Waits until `n` bytes are buffered; MalformedPOSTRequest when the body ends first. */
  async #need(n: number): Promise<void> {
    while (this.#buf.length < n) if (!(await this.#more())) throw malformedPost();
  }

  /** Skips the preamble up to and including the first dash-boundary. */
  async #start(): Promise<void> {
    for (;;) {
      if (this.#buf.length >= this.#dashBoundary.length && this.#buf.indexOf(this.#dashBoundary) === 0) {
        this.#advance(this.#dashBoundary.length);
        return;
      }
      const at = this.#buf.indexOf(this.#delimiter);
      if (at >= 0) {
        this.#advance(at + this.#delimiter.length);
        return;
      }
      if (this.#buf.length > MAX_PREAMBLE + this.#delimiter.length) throw malformedPost();
      if (!(await this.#more())) throw malformedPost();
    }
  }

  /** After a delimiter: "--" closes the body, else optional transport padding and CRLF. */
  async #afterDelimiter(): Promise<boolean> {
    await this.#need(2);
    if (this.#buf[0] === 0x2d && this.#buf[1] === 0x2d) {
      this.#state = 'done';
      return false;
    }
    for (;;) {
      let i = 0;
      while (i < this.#buf.length && (this.#buf[i] === 0x20 || this.#buf[i] === 0x09)) i++;
      if (i > 64) throw malformedPost();
      if (this.#buf.length >= i + 2) {
        if (this.#buf[i] !== 0x0d || this.#buf[i + 1] !== 0x0a) throw malformedPost();
        this.#advance(i + 2);
        return true;
      }
      if (!(await this.#more())) throw malformedPost();
    }
  }

  async #headers(): Promise<PartHeaders> {
    await this.#need(2);
    const headers = new Map<string, string>();
    if (this.#buf[0] === 0x0d && this.#buf[1] === 0x0a) {
      this.#advance(2);
      return headers;
    }
    let end = this.#buf.indexOf(HEADER_END);
    while (end < 0) {
      if (this.#buf.length > MAX_PART_HEADERS) throw malformedPost();
      if (!(await this.#more())) throw malformedPost();
      end = this.#buf.indexOf(HEADER_END);
    }
    if (end > MAX_PART_HEADERS) throw malformedPost();
    // Header bytes beyond ASCII (a UTF-8 filename) are read as UTF-8, as browsers send them.
    const block = this.#buf.subarray(0, end).toString('utf8');
    this.#advance(end + HEADER_END.length);
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformedPost();
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
    return headers;
  }

  /**
   * The next part's headers (the rest of the current part's body is skipped), or undefined after
   * the close delimiter. Throws MalformedPOSTRequest.
   */
  async nextPart(): Promise<PartHeaders | undefined> {
    if (this.#state === 'body') for await (const _ of this.body());
    if (this.#state === 'start') {
      await this.#start();
      this.#state = 'delimiter';
    }
    if (this.#state === 'done') return undefined;
    if (this.#state === 'delimiter') {
      if (!(await this.#afterDelimiter())) return undefined;
      this.#state = 'headers';
    }
    const headers = await this.#headers();
    this.#state = 'body';
    return headers;
  }

  /**
   * Reads and drops whatever the body still holds ("fields after the file are ignored"), so the
   * connection can serve its next request. Never fails.
   */
  async discardRest(): Promise<void> {
    this.#buf = Buffer.alloc(0);
    this.#state = 'done';
    try {
      while (!(await this.#it.next()).done);
    } catch {
      /* the client went away: nothing left to read */
    }
  }

  /** The current part's body, chunk by chunk, up to its delimiter. Throws MalformedPOSTRequest. */
  async *body(): AsyncGenerator<Buffer, void, undefined> {
    if (this.#state !== 'body') return;
    const keep = this.#delimiter.length - 1;
    for (;;) {
      const at = this.#buf.indexOf(this.#delimiter);
      if (at >= 0) {
        const chunk = this.#buf.subarray(0, at);
        this.#advance(at + this.#delimiter.length);
        this.#state = 'delimiter';
        if (chunk.length > 0) yield chunk;
        return;
      }
      if (this.#buf.length > keep) {
        const chunk = this.#buf.subarray(0, this.#buf.length - keep);
        this.#advance(chunk.length);
        yield chunk;
      }
      if (!(await this.#more())) throw malformedPost();
    }
  }
}
