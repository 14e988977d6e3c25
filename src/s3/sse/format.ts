import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * The stored form of an encrypted byte sequence (docs/encryption.md "Format"): a 32-byte header,
 * then packages of up to 64 KiB of plaintext, each sealed with AES-256-GCM and followed by its
 * 16-byte tag. A single-part object is one sequence; each part of a multipart object is its own.
 *
 * header = "TSSE" ‖ version 1 ‖ log2(package size) ‖ 0 0 ‖ 12-byte nonce base ‖ 12-byte salt
 * key(sequence) = HMAC-SHA256(data key, "tessera-sse-v1" ‖ header)
 * nonce(i) = nonce base XOR (i as 64-bit big-endian, in its last 8 bytes)
 * AAD(i) = i as 64-bit big-endian ‖ (1 for the last package, else 0)
 *
 * The index in nonce and AAD detects reordered packages, the final flag a cut-off sequence (the
 * plaintext size is also in the metadata); every sequence gets fresh random header bytes, so one
 * data key may seal many sequences (the parts of an upload) without reusing a (key, nonce).
 */
export const PACKAGE_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const HEADER_SIZE = 32;
const STORED_PACKAGE = PACKAGE_SIZE + TAG_SIZE;
const MAGIC = Buffer.from('TSSE', 'latin1');
const VERSION = 1;
const LOG2_PACKAGE = 16;
const KEY_LABEL = Buffer.from('tessera-sse-v1', 'latin1');
/** SealStream hands on sealed bytes in pieces of at least this size (each is one blob write). */
const OUT_MIN = 1024 * 1024;

/** A sealed package failed authentication: the stored bytes were altered, cut or reordered. */
export class SealBroken extends Error {
  constructor(readonly detail: string) {
    super(`encrypted data failed authentication (${detail})`);
  }
}

/** How many packages `size` plaintext bytes take (an empty sequence is one empty package). */
export function packageCount(size: number): number {
  return size === 0 ? 1 : Math.ceil(size / PACKAGE_SIZE);
}

/**
 * The stored size of `size` plaintext bytes.
 * @example encryptedSize(0) === 48; encryptedSize(65536) === 32 + 65536 + 16
 */
export function encryptedSize(size: number): number {
  return HEADER_SIZE + size + TAG_SIZE * packageCount(size);
}

function newHeader(): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header[4] = VERSION;
  header[5] = LOG2_PACKAGE;
  randomBytes(24).copy(header, 8);
  return header;
}

/** The sequence's own key and nonce base, from its header; SealBroken if the header is not one. */
function sequenceOf(dataKey: Buffer, header: Buffer): { key: Buffer; base: Buffer } {
  if (
    header.length !== HEADER_SIZE ||
    !header.subarray(0, 4).equals(MAGIC) ||
    header[4] !== VERSION ||
    header[5] !== LOG2_PACKAGE
  )
    throw new SealBroken('not an encrypted sequence header');
  const key = createHmac('sha256', dataKey).update(KEY_LABEL).update(header).digest();
  return { key, base: header.subarray(8, 20) };
}

function nonceOf(base: Buffer, index: number): Buffer {
  const nonce = Buffer.from(base);
  const hi = Math.floor(index / 2 ** 32);
  nonce.writeUInt32BE((nonce.readUInt32BE(4) ^ hi) >>> 0, 4);
  nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ index) >>> 0, 8);
  return nonce;
}

function aadOf(index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(9);
  aad.writeUInt32BE(Math.floor(index / 2 ** 32), 0);
  aad.writeUInt32BE(index >>> 0, 4);
  aad[8] = final ? 1 : 0;
  return aad;
}

function sealPackage(seq: { key: Buffer; base: Buffer }, index: number, final: boolean, plain: Buffer) {
  const cipher = createCipheriv('aes-256-gcm', seq.key, nonceOf(seq.base, index));
  cipher.setAAD(aadOf(index, final));
  const body = cipher.update(plain);
  cipher.final();
  return [body, cipher.getAuthTag()] as const;
}

function openPackage(
  seq: { key: Buffer; base: Buffer },
  index: number,
  final: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_SIZE) throw new SealBroken(`package ${index} is cut short`);
  const decipher = createDecipheriv('aes-256-gcm', seq.key, nonceOf(seq.base, index));
  decipher.setAAD(aadOf(index, final));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    decipher.final();
  } catch {
    throw new SealBroken(`package ${index}`);
  }
  return plain;
}

/**
 * Encrypts a stream into one sequence. Counts what it emits (`size`) and its CRC-32 (`crc32`:
 * what whole reads of the stored blob check). A full package is held back until more bytes
 * arrive or the stream ends, so the last package always carries the final flag.
 */
export class SealStream extends Transform {
  readonly #seq: { key: Buffer; base: Buffer };
  readonly #header: Buffer;
  #pending: Buffer[] = [];
  #pendingSize = 0;
  #index = 0;
  #started = false;
  size = 0;
  crc32 = 0;

  constructor(dataKey: Buffer) {
    super();
    this.#header = newHeader();
    this.#seq = sequenceOf(dataKey, this.#header);
  }

  #out: Buffer[] = [];
  #outSize = 0;

  #emit(bytes: Buffer): void {
    this.size += bytes.length;
    this.crc32 = crc32(bytes, this.crc32);
    this.#out.push(bytes);
    this.#outSize += bytes.length;
  }

  /** Hands on what is sealed, in pieces of at least OUT_MIN (fewer, larger blob writes), or all of it. */
  #release(all: boolean): void {
    if (this.#outSize === 0 || (!all && this.#outSize < OUT_MIN)) return;
    this.push(this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out, this.#outSize));
    this.#out = [];
    this.#outSize = 0;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#emit(this.#header);
  }

  #take(n: number): Buffer {
    const all =
      this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingSize);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingSize = rest.length;
    return out;
  }

  #seal(plain: Buffer, final: boolean): void {
    const [body, tag] = sealPackage(this.#seq, this.#index++, final, plain);
    this.#emit(body);
    this.#emit(tag);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#start();
    this.#pending.push(chunk);
    this.#pendingSize += chunk.length;
    // Strictly more than a package: the one sealed now is known not to be the last.
    while (this.#pendingSize > PACKAGE_SIZE) this.#seal(this.#take(PACKAGE_SIZE), false);
    this.#release(false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.#start();
    this.#seal(this.#take(this.#pendingSize), true);
    this.#release(true);
    done();
  }
}

/**
 * Encrypts bytes held in memory (an inline object) into one sequence.
 * @example sealBuffer(Buffer.from('hi'), key).length === encryptedSize(2)
 */
export function sealBuffer(plain: Buffer, dataKey: Buffer): Buffer {
  const header = newHeader();
  const seq = sequenceOf(dataKey, header);
  const out: Buffer[] = [header];
  const count = packageCount(plain.length);
  for (let i = 0; i < count; i++) {
    const part = plain.subarray(i * PACKAGE_SIZE, (i + 1) * PACKAGE_SIZE);
    out.push(...sealPackage(seq, i, i === count - 1, part));
  }
  return Buffer.concat(out);
}

/** Stored bytes in a (pooled) buffer that goes back once decrypted. */
export interface StoredBytes {
  readonly bytes: Buffer;
  release(): void;
}

/** Reads `length` stored bytes at `position` of one sequence (fewer only if the blob is cut). */
export type StoredReader = (position: number, length: number) => Promise<Buffer | StoredBytes>;

function storedBytes(b: Buffer | StoredBytes): StoredBytes {
  return Buffer.isBuffer(b) ? { bytes: b, release: () => {} } : b;
}

/**
 * Packages read (and yielded, as one buffer) per call of the reader: 63 sealed packages are just
 * under 4 MiB, the object reader's longest single read (object-reader.ts BODY_CHUNK), so each
 * batch is one pread and one socket write.
 */
const BATCH = 63;

/**
 * Plaintext bytes [start, end] of a sequence of `size` plaintext bytes: reads the header and only
 * the packages the range touches, and yields them decrypted. SealBroken on any altered byte.
 * The next batch is read while the current one is decrypted (the read runs on the thread pool).
 * @example for await (const b of openRange(read, size, key, 0, size - 1)) out.push(b)
 */
export async function* openRange(
  read: StoredReader,
  size: number,
  dataKey: Buffer,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  if (end < start) return;
  const head = storedBytes(await read(0, HEADER_SIZE));
  let seq: { key: Buffer; base: Buffer };
  try {
    seq = sequenceOf(dataKey, Buffer.from(head.bytes));
  } finally {
    head.release();
  }
  const count = packageCount(size);
  const first = Math.floor(start / PACKAGE_SIZE);
  const last = Math.min(count - 1, Math.floor(end / PACKAGE_SIZE));
  const stored = encryptedSize(size);
  const fetch = (batch: number) => {
    const from = HEADER_SIZE + batch * STORED_PACKAGE;
    const to = Math.min(HEADER_SIZE + (Math.min(last, batch + BATCH - 1) + 1) * STORED_PACKAGE, stored);
    return { length: to - from, bytes: read(from, to - from).then(storedBytes) };
  };
  let next: ReturnType<typeof fetch> | undefined = fetch(first);
  try {
    for (let batch = first; batch <= last; batch += BATCH) {
      const current = next!;
      next = undefined;
      const got = await current.bytes;
      if (batch + BATCH <= last) next = fetch(batch + BATCH);
      const upTo = Math.min(last, batch + BATCH - 1);
      const out: Buffer[] = [];
      let outSize = 0;
      try {
        if (got.bytes.length < current.length) throw new SealBroken(`sequence cut at package ${batch}`);
        for (let i = batch; i <= upTo; i++) {
          const at = (i - batch) * STORED_PACKAGE;
          const plain = openPackage(seq, i, i === count - 1, got.bytes.subarray(at, at + STORED_PACKAGE));
          const offset = i * PACKAGE_SIZE;
          const lo = Math.max(start, offset) - offset;
          const hi = Math.min(end, offset + plain.length - 1) - offset;
          if (hi < lo) continue;
          const piece = lo === 0 && hi === plain.length - 1 ? plain : plain.subarray(lo, hi + 1);
          out.push(piece);
          outSize += piece.length;
        }
      } finally {
        got.release();
      }
      if (outSize > 0) yield* out;
    }
  } finally {
    // Abandoned (client gone, damage): the read ahead goes back too.
    next?.bytes.then(
      (b) => b.release(),
      () => {},
    );
  }
}
