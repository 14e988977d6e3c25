import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { TesseraError } from './errors.js';

/**
 * Incremental checksums for S3's flexible checksums (x-amz-checksum-*), plus MD5 for Content-MD5.
 * Digests are raw big-endian bytes; S3 puts them on the wire as base64.
 */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type HashAlgorithm = ChecksumAlgorithm | 'MD5';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

export interface Checksum {
  update(data: Uint8Array): void;
  /** The raw digest; call once. */
  digest(): Buffer;
}

/** Digest length in bytes of each algorithm. */
export const CHECKSUM_LENGTH: Record<HashAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
};

/** Builds the 8 slicing tables of a reflected 32-bit CRC. */
function crc32Tables(poly: number): Uint32Array[] {
  const t: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t0[n] = c >>> 0;
  }
  t.push(t0);
  for (let k = 1; k < 8; k++) {
    const prev = t[k - 1]!;
    const tk = new Uint32Array(256);
    for (let n = 0; n < 256; n++) tk[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    t.push(tk);
  }
  return t;
}

/** Slicing-by-8 update of a reflected 32-bit CRC; `crc` is the running (already inverted) value. */
function crc32Update(tables: Uint32Array[], crc: number, data: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = tables as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let i = 0;
  const n = data.length;
  const end8 = n - (n & 7);
  for (; i < end8; i += 8) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    const b = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[b & 0xff]! ^
      t2[(b >>> 8) & 0xff]! ^
      t1[(b >>> 16) & 0xff]! ^
      t0[b >>> 24]!;
  }
  for (; i < n; i++) crc = t0[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}

let crc32cTables: Uint32Array[] | undefined;
let crc32Fallback: Uint32Array[] | undefined;
// zlib.crc32 exists from Node 20.15 (engines says >= 20.19); the table is a fallback for other runtimes.
const zlibCrc32: ((data: Uint8Array, value?: number) => number) | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

function uint32Be(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

class Crc32 implements Checksum {
  private value = 0;
  update(data: Uint8Array): void {
    if (zlibCrc32) this.value = zlibCrc32(data, this.value);
    else {
      crc32Fallback ??= crc32Tables(0xedb88320);
      this.value = ~crc32Update(crc32Fallback, ~this.value, data) >>> 0;
    }
  }
  digest(): Buffer {
    return uint32Be(this.value);
  }
}

class Crc32c implements Checksum {
  private crc = 0xffffffff;
  constructor() {
    crc32cTables ??= crc32Tables(0x82f63b78);
  }
  update(data: Uint8Array): void {
    this.crc = crc32Update(crc32cTables!, this.crc, data);
  }
  digest(): Buffer {
    return uint32Be(~this.crc);
  }
}

/** CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout all ones. */
const CRC64_POLY_HI = 0x9a6c9329;
const CRC64_POLY_LO = 0xac4bc9b5;
let crc64Lo: Uint32Array | undefined;
let crc64Hi: Uint32Array | undefined;

/** Slicing-by-8 tables, flat: entry k*256+n. 64-bit values are two uint32 halves (no BigInt). */
function crc64Tables(): void {
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let l = n;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | (h << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        l = (l ^ CRC64_POLY_LO) >>> 0;
        h = (h ^ CRC64_POLY_HI) >>> 0;
      }
    }
    lo[n] = l;
    hi[n] = h;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const pl = lo[(k - 1) * 256 + n]!;
      const ph = hi[(k - 1) * 256 + n]!;
      const idx = pl & 0xff;
      lo[k * 256 + n] = (((pl >>> 8) | (ph << 24)) ^ lo[idx]!) >>> 0;
      hi[k * 256 + n] = ((ph >>> 8) ^ hi[idx]!) >>> 0;
    }
  }
  crc64Lo = lo;
  crc64Hi = hi;
}

class Crc64Nvme implements Checksum {
  private lo = 0xffffffff;
  private hi = 0xffffffff;
  constructor() {
    if (!crc64Lo) crc64Tables();
  }
  update(data: Uint8Array): void {
    const tl = crc64Lo!;
    const th = crc64Hi!;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const n = data.length;
    const end8 = n - (n & 7);
    for (; i < end8; i += 8) {
      const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
      const i7 = 1792 + (a & 0xff);
      const i6 = 1536 + ((a >>> 8) & 0xff);
      const i5 = 1280 + ((a >>> 16) & 0xff);
      const i4 = 1024 + (a >>> 24);
      const i3 = 768 + (b & 0xff);
      const i2 = 512 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = tl[i7]! ^ tl[i6]! ^ tl[i5]! ^ tl[i4]! ^ tl[i3]! ^ tl[i2]! ^ tl[i1]! ^ tl[i0]!;
      hi = th[i7]! ^ th[i6]! ^ th[i5]! ^ th[i4]! ^ th[i3]! ^ th[i2]! ^ th[i1]! ^ th[i0]!;
    }
    for (; i < n; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx]!;
      hi = (hi >>> 8) ^ th[idx]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

class NodeHash implements Checksum {
  private readonly hash: Hash;
  constructor(alg: string) {
    this.hash = createHash(alg);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

/**
 * A fresh incremental checksum.
 * @example const c = createChecksum('CRC32C'); c.update(buf); c.digest().toString('base64')
 */
export function createChecksum(alg: HashAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32':
      return new Crc32();
    case 'CRC32C':
      return new Crc32c();
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
      return new NodeHash('sha1');
    case 'SHA256':
      return new NodeHash('sha256');
    case 'MD5':
      return new NodeHash('md5');
    default: {
      const never: never = alg;
      throw new TesseraError('InvalidArgument', `Unknown checksum algorithm ${String(never)}`);
    }
  }
}

/** Base64 checksum of a whole buffer. */
export function checksumBase64(alg: HashAlgorithm, data: Uint8Array): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('base64');
}

/** Parses an algorithm name case-insensitively ('crc32c' → 'CRC32C'); undefined when unknown. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)
    ? (upper as ChecksumAlgorithm)
    : undefined;
}

/** The algorithm named by a header such as `x-amz-checksum-crc32`, or undefined. */
export function checksumAlgorithmOfHeader(header: string): ChecksumAlgorithm | undefined {
  const prefix = 'x-amz-checksum-';
  if (header.length <= prefix.length || !header.toLowerCase().startsWith(prefix)) return undefined;
  return parseChecksumAlgorithm(header.slice(prefix.length));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a base64 checksum value and checks its length for the algorithm.
 * Throws InvalidDigest when the value is not canonical base64 of the right length.
 */
export function decodeChecksum(alg: HashAlgorithm, b64: string): Buffer {
  const raw = BASE64.test(b64) && b64.length % 4 === 0 ? Buffer.from(b64, 'base64') : undefined;
  if (!raw || raw.length !== CHECKSUM_LENGTH[alg] || raw.toString('base64') !== b64) {
    throw new TesseraError('InvalidDigest', `The ${alg} checksum is not valid base64 of the right length.`);
  }
  return raw;
}

/**
 * S3's composite checksum of a multipart object: the checksum of the concatenated raw part
 * checksums, base64, followed by `-<number of parts>`.
 * @example compositeChecksum('CRC32', ['AAAAAA==', 'NhCmhg==']) // 'xxxxxx==-2'
 */
export function compositeChecksum(alg: ChecksumAlgorithm, partChecksumsB64: readonly string[]): string {
  const c = createChecksum(alg);
  for (const part of partChecksumsB64) c.update(decodeChecksum(alg, part));
  return `${c.digest().toString('base64')}-${partChecksumsB64.length}`;
}
