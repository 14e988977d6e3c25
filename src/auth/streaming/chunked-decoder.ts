import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { constantTimeEqual, EMPTY_SHA256, TesseraError } from '../../core/index.js';
import { signHex } from '../sigv4/signing-key.js';
import { chunkStringToSign, trailerStringToSign } from '../sigv4/string-to-sign.js';
import type { ChunkedDecoderOptions } from '../types.js';
import type { Sha256HandingStream, Sha256Handover, Sha256Listener } from './sha256-handover.js';
import {
  MAX_TRAILER_BYTES,
  MAX_TRAILER_LINES,
  parseTrailerLine,
  TRAILER_SIGNATURE,
  TrailerChecksums,
} from './trailers.js';

/** Longest chunk header accepted: `<hex size>;chunk-signature=<64 hex>` plus room for extensions. */
export const MAX_CHUNK_HEADER = 4096;

/** A Transform from aws-chunked framing to the decoded payload. */
export interface ChunkedDecoder extends Transform, Sha256HandingStream {
  /** The verified trailing headers (e.g. x-amz-checksum-crc32 → base64), complete once the stream ended. */
  readonly trailers: Map<string, string>;
  /** Decoded bytes so far. */
  readonly decodedBytes: number;
}

/** Where the decoder is in the framing. */
const State = { Header: 0, Data: 1, DataCr: 2, DataLf: 3, Trailer: 4, Done: 5 } as const;
type State = (typeof State)[keyof typeof State];

function incomplete(message = 'The aws-chunked body is truncated or malformed.'): TesseraError {
  return new TesseraError('IncompleteBody', message);
}

/**
 * Decodes `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0[;chunk-signature=<sig>]\r\n
 * [<trailer>:<value>\r\n …][x-amz-trailer-signature:<sig>\r\n]\r\n` in bounded memory.
 *
 * Chunk data streams straight through: bytes of a chunk are pushed before that chunk's signature
 * is checked (the signature covers the whole chunk, which is not buffered). Any failure (bad chunk
 * or trailer signature, bad checksum, truncation, wrong decoded length) fails the stream with a
 * TesseraError before it ends, and consumers must never commit data from a stream that errored.
 */
class AwsChunkedDecoder extends Transform implements ChunkedDecoder {
  readonly trailers = new Map<string, string>();
  decodedBytes = 0;

  private state: State = State.Header;
  private line = '';
  private remaining = 0;
  private previousSignature: string | undefined;
  private chunkSignature = '';
  private chunkHash: Hash | undefined;
  private trailerLines = 0;
  private trailerBytes = 0;
  private trailerSignature: string | undefined;
  private signedTrailerText = '';
  private readonly checksums: TrailerChecksums;
  /** Set once the chunk hashes are handed over: who hashes, and the chunks awaiting their hash. */
  private listener: Sha256Listener | undefined;
  private readonly awaiting: { previous: string; signature: string }[] = [];
  /** The end of the stream, held until every handed-over chunk verified. */
  private heldFlush: TransformCallback | undefined;

  constructor(private readonly opts: ChunkedDecoderOptions) {
    super();
    this.previousSignature = opts.signing?.seedSignature;
    this.checksums = new TrailerChecksums(opts.trailers);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Lenient endings: a final `0` header or last trailer line without its CRLF, or no empty line.
      if (this.state === State.Header && this.line !== '') {
        const line = this.line;
        this.line = '';
        this.onHeader(line);
        if ((this.state as State) !== State.Trailer) throw incomplete();
      }
      if (this.state === State.Trailer) {
        if (this.line !== '') this.onTrailerLine(this.line);
        this.finish();
      }
      if (this.state !== State.Done) throw incomplete();
      if (this.awaiting.length > 0) this.heldFlush = callback;
      else callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  private consume(buf: Buffer): void {
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      switch (this.state) {
        case State.Header:
        case State.Trailer: {
          const lf = buf.indexOf(10, pos);
          const end = lf === -1 ? n : lf;
          this.line += buf.toString('latin1', pos, end);
          if (this.line.length > (this.state === State.Header ? MAX_CHUNK_HEADER : MAX_TRAILER_BYTES)) {
            throw incomplete('An aws-chunked header line is too long.');
          }
          pos = end;
          if (lf === -1) break;
          pos++;
          const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
          this.line = '';
          if (this.state === State.Header) this.onHeader(line);
          else if (line === '') this.finish();
          else this.onTrailerLine(line);
          break;
        }
        case State.Data: {
          const take = Math.min(this.remaining, n - pos);
          const piece = buf.subarray(pos, pos + take);
          this.chunkHash?.update(piece);
          this.checksums.update(piece);
          this.decodedBytes += take;
          if (this.opts.decodedLength !== undefined && this.decodedBytes > this.opts.decodedLength) {
            throw incomplete('The decoded body is longer than x-amz-decoded-content-length.');
          }
          this.push(piece);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.verifyChunk(this.chunkHash?.digest('hex'));
            this.state = State.DataCr;
          }
          break;
        }
        case State.DataCr:
        case State.DataLf: {
          const expected = this.state === State.DataCr ? 13 : 10;
          if (buf[pos] !== expected) throw incomplete();
          pos++;
          this.state = this.state === State.DataCr ? State.DataLf : State.Header;
          break;
        }
        case State.Done: {
          // Tolerate stray line endings after the end; anything else is corrupt framing.
          if (buf[pos] !== 13 && buf[pos] !== 10)
            throw incomplete('Unexpected data after the aws-chunked body.');
          pos++;
          break;
        }
      }
    }
  }

  /** `<hex size>[;chunk-signature=<sig>][;other extensions]` */
  private onHeader(line: string): void {
    const semi = line.indexOf(';');
    const sizeText = (semi === -1 ? line : line.slice(0, semi)).trim();
    if (sizeText === '' || sizeText.length > 12 || !/^[0-9a-fA-F]+$/.test(sizeText)) throw incomplete();
    const size = Number.parseInt(sizeText, 16);
    this.chunkSignature = '';
    if (semi !== -1) {
      for (const ext of line.slice(semi + 1).split(';')) {
        const eq = ext.indexOf('=');
        if (eq !== -1 && ext.slice(0, eq).trim() === 'chunk-signature')
          this.chunkSignature = ext.slice(eq + 1).trim();
      }
    }
    if (this.opts.signing && this.chunkSignature === '') throw new TesseraError('SignatureDoesNotMatch');
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256);
      this.state = State.Trailer;
      this.listener?.last(this.decodedBytes);
      return;
    }
    this.remaining = size;
    this.state = State.Data;
    if (this.listener && this.opts.signing) {
      // Chained from the signature the client sent: if that one is wrong, its own check fails.
      this.awaiting.push({ previous: this.previousSignature!, signature: this.chunkSignature });
      this.previousSignature = this.chunkSignature;
      this.chunkHash = undefined;
      this.listener.segment(this.decodedBytes + size);
    } else {
      this.chunkHash = this.opts.signing ? createHash('sha256') : undefined;
    }
  }

  handOverSha256(listener: Sha256Listener): Sha256Handover | undefined {
    const over = this.state === State.Trailer || this.state === State.Done;
    if (!this.opts.signing || this.listener || this.destroyed || over) return undefined;
    this.listener = listener;
    // A chunk already under way finishes with the decoder's own hash.
    const from = this.decodedBytes + (this.state === State.Data ? this.remaining : 0);
    return { from, hashed: (hex) => this.onHashed(hex) };
  }

  /** The hash of the oldest handed-over chunk: verify its signature; release the end when done. */
  private onHashed(hex: string): void {
    const next = this.awaiting.shift();
    if (next === undefined || this.destroyed) return;
    const signing = this.opts.signing!;
    const sts = chunkStringToSign(signing.amzDate, signing.scope, next.previous, hex);
    if (!constantTimeEqual(signHex(signing.signingKey, sts), next.signature)) {
      this.awaiting.length = 0;
      this.destroy(new TesseraError('SignatureDoesNotMatch'));
      return;
    }
    if (this.awaiting.length === 0 && this.heldFlush) {
      const done = this.heldFlush;
      this.heldFlush = undefined;
      done();
    }
  }

  private verifyChunk(hash: string | undefined): void {
    const signing = this.opts.signing;
    if (!signing || hash === undefined) return;
    const sts = chunkStringToSign(signing.amzDate, signing.scope, this.previousSignature!, hash);
    const expected = signHex(signing.signingKey, sts);
    if (!constantTimeEqual(expected, this.chunkSignature)) throw new TesseraError('SignatureDoesNotMatch');
    this.previousSignature = expected;
  }

  private onTrailerLine(line: string): void {
    this.trailerBytes += line.length;
    if (++this.trailerLines > MAX_TRAILER_LINES || this.trailerBytes > MAX_TRAILER_BYTES) {
      throw incomplete('Too many trailers.');
    }
    const [name, value] = parseTrailerLine(line);
    if (name === TRAILER_SIGNATURE) {
      if (this.trailerSignature !== undefined) throw incomplete();
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined) throw incomplete('The trailer signature must come last.');
    if (!this.checksums.announced(name)) {
      throw new TesseraError('InvalidArgument', `The trailer ${name} was not announced in x-amz-trailer.`);
    }
    if (this.trailers.has(name))
      throw new TesseraError('InvalidArgument', `The trailer ${name} is repeated.`);
    this.trailers.set(name, value);
    // "Trailing headers are canonicalized as `name:value\n`" and hashed for the trailer signature.
    this.signedTrailerText += name + ':' + value + '\n';
  }

  /** After the trailer section: trailer signature, checksums, decoded length. */
  private finish(): void {
    const signing = this.opts.signing;
    if (signing && this.opts.signedTrailer) {
      if (this.trailerSignature === undefined) throw new TesseraError('SignatureDoesNotMatch');
      const sts = trailerStringToSign(
        signing.amzDate,
        signing.scope,
        this.previousSignature!,
        // The trailer lines were read as Latin-1: hash the bytes as they came.
        createHash('sha256').update(this.signedTrailerText, 'latin1').digest('hex'),
      );
      if (!constantTimeEqual(signHex(signing.signingKey, sts), this.trailerSignature)) {
        throw new TesseraError('SignatureDoesNotMatch');
      }
    }
    this.checksums.verify(this.trailers);
    if (this.opts.decodedLength !== undefined && this.decodedBytes !== this.opts.decodedLength) {
      throw incomplete('The decoded body is shorter than x-amz-decoded-content-length.');
    }
    this.state = State.Done;
  }
}

/**
 * A stream that decodes an aws-chunked body, verifying chunk signatures (chained from the seed
 * signature), the trailer signature and trailing checksums. Fails the stream with
 * SignatureDoesNotMatch, IncompleteBody, BadDigest, InvalidDigest or InvalidArgument.
 * @example const d = createChunkedDecoder(verified.payload.decoder); req.pipe(d); … d.trailers
 */
export function createChunkedDecoder(opts: ChunkedDecoderOptions): ChunkedDecoder {
  return new AwsChunkedDecoder(opts);
}
