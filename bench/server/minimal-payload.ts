/**
 * The minimal verifier's body checks (see minimal-sigv4.ts), fed the body as it arrives:
 * - sha256: "x-amz-content-sha256: the SHA-256 of the payload", compared at the end;
 * - chunks: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "<hex size>;chunk-signature=<sig>\r\n<data>\r\n"
 *   until a 0-size chunk, each signature chained from the previous one (the first from the seed,
 *   the request's own signature), and the decoded length as x-amz-decoded-content-length said.
 * Imports nothing from src/.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  AuthFailure,
  createSignature,
  EMPTY_SHA256,
  type PayloadCheck,
  sameSignature,
} from './minimal-canonical.js';

/** Takes the body piece by piece; end() throws AuthFailure unless the body was what was signed. */
export interface BodyCheck {
  update(chunk: Buffer): void;
  end(): void;
}

/** The check a verified request's body needs (undefined: none, drain it). */
export function bodyCheck(p: PayloadCheck): BodyCheck | undefined {
  if (p.type === 'none') return undefined;
  if (p.type === 'chunks') return new ChunkCheck(p);
  const hash = createHash('sha256');
  return {
    update: (chunk) => hash.update(chunk),
    end: () => {
      if (hash.digest('hex') !== p.expected)
        throw new AuthFailure(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
    },
  };
}

const HEADER = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-f]{64})\r\n$/;
type State = 'header' | 'data' | 'crlf' | 'done';

/** Parses aws-chunked framing as it streams, hashing each chunk's data without copying it. */
class ChunkCheck implements BodyCheck {
  private state: State = 'header';
  private line = '';
  private size = 0;
  private left = 0;
  private crlf = 0;
  private hash: Hash | undefined;
  private signature = '';
  private previous: string;
  private decoded = 0;

  constructor(private readonly p: Extract<PayloadCheck, { type: 'chunks' }>) {
    this.previous = p.seed;
  }

  update(b: Buffer): void {
    let i = 0;
    while (i < b.length) {
      if (this.state === 'header') {
        const nl = b.indexOf(10, i);
        const end = nl < 0 ? b.length : nl + 1;
        this.line += b.toString('latin1', i, end);
        i = end;
        if (this.line.length > 128) throw incomplete('chunk header too long');
        if (nl >= 0) this.startChunk();
      } else if (this.state === 'data') {
        const n = Math.min(this.left, b.length - i);
        this.hash!.update(b.subarray(i, i + n));
        i += n;
        this.left -= n;
        if (this.left === 0) this.state = 'crlf';
      } else if (this.state === 'crlf') {
        if (b[i] !== (this.crlf === 0 ? 13 : 10)) throw incomplete('chunk data not followed by CRLF');
        i++;
        if (++this.crlf === 2) this.finishChunk();
      } else throw incomplete('data after the final chunk');
    }
  }

  end(): void {
    if (this.state !== 'done') throw incomplete('the body ended before its final chunk');
    if (this.decoded !== this.p.decodedLength)
      throw incomplete(
        `decoded ${this.decoded} bytes, x-amz-decoded-content-length says ${this.p.decodedLength}`,
      );
  }

  private startChunk(): void {
    const m = HEADER.exec(this.line);
    if (!m) throw incomplete('malformed chunk header');
    this.line = '';
    this.size = Number.parseInt(m[1]!, 16);
    this.left = this.size;
    this.signature = m[2]!;
    this.hash = createHash('sha256');
    this.crlf = 0;
    this.state = this.size === 0 ? 'crlf' : 'data';
  }

  /** "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" + previous signature + "\n" + hash("") + "\n" + hash(data). */
  private finishChunk(): void {
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${this.p.amzDate}\n${this.p.scope}\n${this.previous}\n${EMPTY_SHA256}\n${this.hash!.digest('hex')}`;
    if (!sameSignature(createSignature(this.p.key, toSign), this.signature))
      throw new AuthFailure('SignatureDoesNotMatch', 'A chunk signature does not match.');
    this.previous = this.signature;
    this.decoded += this.size;
    this.state = this.size === 0 ? 'done' : 'header';
  }
}

const incomplete = (why: string) => new AuthFailure('IncompleteBody', `aws-chunked body: ${why}`);
